package io.sfstream.camel;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Endpoint DSL builder has exactly one fluent method name per endpoint option of the generated metadata, so it
 * cannot fall behind the options; and what it builds configures the endpoint like the equivalent URI.
 */
class EndpointDslInStepTest {

    @Test
    void oneBuilderMethodPerEndpointOption() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/io/sfstream/camel/sfstream.json")) {
            assertThat(in).as("generated component JSON on the classpath").isNotNull();
            metadata = new ObjectMapper().readTree(in);
        }
        Set<String> options = new TreeSet<>();
        metadata.path("properties").fields().forEachRemaining(e -> {
            if (!"path".equals(e.getValue().path("kind").asText())) {
                options.add(e.getKey());
            }
        });
        assertThat(options).hasSizeGreaterThan(15).doesNotContain("channel");

        Set<String> methods = Arrays.stream(SfStreamEndpointBuilder.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getReturnType() == SfStreamEndpointBuilder.class)
                .map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(methods).as("fluent methods of SfStreamEndpointBuilder").isEqualTo(options);
    }

    @Test
    void toStringMasksSecrets() {
        String text = SfStreamEndpointBuilder.sfstream("/topic/A").clientId("id-1").clientSecret("cs-2").username("u-3")
                .password("p+4").refreshToken("rt-5").accessToken("at-6").privateKey("pk-7").keyPassword("kp-8")
                .proxyUsername("pu-9").proxyPassword("pp-10").privateKeyFile("/k-11.pem").toString();
        assertThat(text).startsWith("sfstream:/topic/A?")
                .doesNotContain("id-1", "cs-2", "u-3", "p+4", "p%2B4", "rt-5", "at-6", "pk-7", "kp-8", "pu-9", "pp-10", "k-11");
    }

    @Test
    void builtEndpointIsConfiguredLikeTheUri() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            ObjectMapper objectMapper = new ObjectMapper();
            TokenSupplier tokens = () -> {
                throw new IllegalStateException("never called: the endpoint is not started");
            };
            Map<String, String> markers = new java.util.concurrent.ConcurrentHashMap<>();
            context.getRegistry().bind("markers", markers);
            context.start();
            SfStreamEndpointBuilder builder = SfStreamEndpointBuilder.sfstream("/topic/Orders")
                    .replay("ALL_EVENTS").maxPendingCount(42).bodyType(BodyType.STRING)
                    .replayCommit(ReplayCommit.ON_RECEIVE).replayCommitInterval(Duration.ofMillis(250))
                    .batchTimeout("2s").maxBatchSize(5).ignoreSubscriberErrors(true)
                    .filter("Status__c='New'").subscriptionName("group a")
                    .objectMapper(objectMapper).replayStore("#markers").tokenSupplier(tokens);
            assertThat(builder.getRawUri()).startsWith("sfstream:/topic/Orders?").contains("maxPendingCount=42");

            SfStreamEndpoint endpoint = builder.resolve(context, SfStreamEndpoint.class);
            SfStreamConfiguration config = endpoint.getConfiguration();
            assertThat(config.getReplay()).isEqualTo("ALL_EVENTS");
            assertThat(config.getMaxPendingCount()).isEqualTo(42);
            assertThat(config.getBodyType()).isEqualTo(BodyType.STRING);
            assertThat(config.getReplayCommit()).isEqualTo(ReplayCommit.ON_RECEIVE);
            assertThat(config.getReplayCommitInterval()).isEqualTo(Duration.ofMillis(250));
            assertThat(config.getBatchTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(config.getMaxBatchSize()).isEqualTo(5);
            assertThat(config.isIgnoreSubscriberErrors()).isTrue();
            assertThat(endpoint.getFilter()).isEqualTo("Status__c='New'");
            assertThat(config.getSubscriptionName()).isEqualTo("group a");
            assertThat(config.getObjectMapper()).isSameAs(objectMapper);
            assertThat(config.getReplayStore()).isSameAs(markers);
            assertThat(config.getTokenSupplier()).isSameAs(tokens);
        }
    }
}
