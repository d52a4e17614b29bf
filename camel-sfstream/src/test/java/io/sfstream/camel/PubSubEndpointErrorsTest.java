package io.sfstream.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * api=PUBSUB at endpoint creation, without the camel-sfstream-pubsub module on this module's classpath: channels the
 * Pub/Sub API cannot carry, replay ids it cannot take, and the missing artifact are each named.
 */
class PubSubEndpointErrorsTest {

    private static final String CREDENTIALS = "clientId=cid-XYZ&clientSecret=sec-XYZ&username=user-XYZ&password=pw-XYZ";

    private CamelContext context;

    @BeforeEach
    void createContext() {
        context = new DefaultCamelContext();
        context.start();
    }

    @AfterEach
    void stopContext() throws Exception {
        context.close();
    }

    private String creationError(String uri) {
        Throwable error = org.assertj.core.api.Assertions.catchThrowable(() -> context.getEndpoint(uri));
        assertThat(error).as("creating " + uri + " must fail").isNotNull();
        StringBuilder all = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        assertThat(all.toString()).doesNotContain("sec-XYZ", "pw-XYZ");
        return all.toString();
    }

    @Test
    void pushTopicAndGenericChannelsAreRefusedSayingWhy() {
        assertThat(creationError("sfstream:/topic/Orders?api=PUBSUB&" + CREDENTIALS))
                .contains("api=PUBSUB", "/topic/Orders", "Streaming API");
        assertThat(creationError("sfstream:/u/Notes?api=PUBSUB&" + CREDENTIALS))
                .contains("api=PUBSUB", "/u/Notes", "Streaming API");
    }

    @Test
    void withoutTheModuleTheArtifactIsNamed() {
        assertThat(creationError("sfstream:/event/Order__e?api=PUBSUB&" + CREDENTIALS))
                .contains("io.sfstream:camel-sfstream-pubsub");
        assertThat(creationError("sfstream:/data/AccountChangeEvent?api=pubsub&" + CREDENTIALS))
                .contains("io.sfstream:camel-sfstream-pubsub");
    }

    @Test
    void aNumericReplayIdIsRefused() {
        assertThat(creationError("sfstream:/event/Order__e?api=PUBSUB&replay=42&" + CREDENTIALS))
                .contains("replay", "42", "NEW_EVENTS", "ALL_EVENTS");
    }

    @Test
    void aFixedTokenNeedsTheOrgId() {
        assertThat(creationError("sfstream:/event/Order__e?api=PUBSUB&accessToken=tok-XYZ"
                                 + "&instanceUrl=https://x.my.salesforce.com"))
                .contains("orgId").doesNotContain("tok-XYZ");
    }

    @Test
    void anUnknownApiNamesTheChoices() {
        assertThat(creationError("sfstream:/event/Order__e?api=GRPC&" + CREDENTIALS))
                .contains("api", "STREAMING", "PUBSUB");
    }

    @Test
    void theStreamingApiStaysTheDefault() {
        SfStreamEndpoint endpoint = context.getEndpoint("sfstream:/topic/Orders?" + CREDENTIALS, SfStreamEndpoint.class);
        assertThat(endpoint.getConfiguration().getApi()).isEqualTo(SfStreamApi.STREAMING);
        assertThat(endpoint.getConfiguration().getPubSubHost()).isEqualTo("api.pubsub.salesforce.com");
        assertThat(endpoint.getConfiguration().getPubSubPort()).isEqualTo(7443);
        assertThatThrownBy(() -> context.getEndpoint("sfstream:/event/Order__e?api=PUBSUB&pubSubPort=0&" + CREDENTIALS))
                .hasStackTraceContaining("pubSubPort");
    }
}
