package io.sfstream.camel.springboot;

import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sfstream.camel.BodyType;
import io.sfstream.camel.SfStreamComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.ComponentCustomizer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configuration's customizer sets what Spring bound, with Spring's relaxed names and types, on the component
 * Camel creates; camel.component.sfstream.enabled=false leaves the component alone.
 */
class AutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SfStreamComponentAutoConfiguration.class));

    @Test
    void bindsTheSetOptionsOnly() {
        runner.withPropertyValues("camel.component.sfstream.max-pending-count=7",
                "camel.component.sfstream.bodyType=string", "camel.component.sfstream.batch-timeout=250ms")
            .run(spring -> {
                ComponentCustomizer customizer = spring.getBean(ComponentCustomizer.class);
                try (DefaultCamelContext camel = new DefaultCamelContext()) {
                    // not built yet: Camel may add (and customize) a component before building it
                    SfStreamComponent component = new SfStreamComponent();
                    component.setCamelContext(camel);
                    assertThat(customizer.isEnabled("sfstream", component)).isTrue();
                    customizer.configure("sfstream", component);

                    assertThat(component.getConfiguration().getMaxPendingCount()).isEqualTo(7);
                    assertThat(component.getConfiguration().getBodyType()).isEqualTo(BodyType.STRING);
                    assertThat(component.getConfiguration().getBatchTimeout()).isEqualTo(Duration.ofMillis(250));
                    assertThat(component.getConfiguration().getApiVersion()).isEqualTo("64.0");
                }
            });
    }

    @Test
    void objectOptionsTakeABeanReferenceOrTheirTextForm() {
        runner.withPropertyValues("camel.component.sfstream.object-mapper=#eventMapper",
                "camel.component.sfstream.replay-store=target/markers.properties")
            .run(spring -> {
                try (DefaultCamelContext camel = new DefaultCamelContext()) {
                    ObjectMapper mapper = new ObjectMapper();
                    camel.getRegistry().bind("eventMapper", mapper);
                    SfStreamComponent component = new SfStreamComponent();
                    component.setCamelContext(camel);
                    spring.getBean(ComponentCustomizer.class).configure("sfstream", component);

                    assertThat(component.getConfiguration().getObjectMapper()).isSameAs(mapper);
                    assertThat(component.getConfiguration().getReplayStore()).isEqualTo("target/markers.properties");
                }
            });
    }

    @Test
    void enabledFalseTurnsTheBindingOff() {
        runner.withPropertyValues("camel.component.sfstream.enabled=false")
            .run(spring -> assertThat(spring).doesNotHaveBean(ComponentCustomizer.class)
                .doesNotHaveBean(SfStreamComponentConfiguration.class));
    }
}
