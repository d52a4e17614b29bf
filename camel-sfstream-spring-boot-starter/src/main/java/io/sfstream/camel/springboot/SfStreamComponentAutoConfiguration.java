package io.sfstream.camel.springboot;

import java.util.Map;

import io.sfstream.camel.SfStreamComponent;
import io.sfstream.camel.SfStreamComponentConfigurer;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.support.PropertyBindingSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Binds {@code camel.component.sfstream.*} of the Spring environment onto the sfstream component when Camel creates
 * it, through a {@link ComponentCustomizer} that Camel applies to the component it adds to the context.
 *
 * <p>The properties class, {@link SfStreamComponentConfiguration}, is generated from the component's metadata; the
 * options are set through the component's generated configurer, so Camel converts and checks them exactly as it
 * does for {@code camel.component.sfstream.*} in Camel Main.
 */
@AutoConfiguration(after = CamelAutoConfiguration.class)
@ConditionalOnProperty(prefix = "camel.component.sfstream", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(SfStreamComponentConfiguration.class)
public class SfStreamComponentAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SfStreamComponentAutoConfiguration.class);

    @Bean
    public ComponentCustomizer sfstreamComponentCustomizer(SfStreamComponentConfiguration configuration) {
        return ComponentCustomizer.builder(SfStreamComponent.class).build(component -> bind(component, configuration));
    }

    static void bind(SfStreamComponent component, SfStreamComponentConfiguration configuration) {
        Map<String, Object> options = configuration.toOptions();
        // names only: the values of credentials never reach a log line
        LOG.debug("Binding camel.component.sfstream options {}", options.keySet());
        // the component resolves its configurer only when it is built, which may come after the customizer
        PropertyConfigurer configurer = component.getComponentPropertyConfigurer() != null
            ? component.getComponentPropertyConfigurer() : new SfStreamComponentConfigurer();
        PropertyBindingSupport.build()
            .withCamelContext(component.getCamelContext())
            .withTarget(component)
            .withConfigurer(configurer)
            .withProperties(options)
            .withRemoveParameters(false)
            .withMandatory(true)
            .bind();
    }
}
