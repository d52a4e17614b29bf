package io.sfstream.camel;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Misconfigured endpoints fail when the route starts, with a message naming what is wrong; defaults come from the
 * component and endpoint options override them.
 */
class EndpointConfigurationErrorsTest {

    private static final String CREDENTIALS = "clientId=cid-XYZ&clientSecret=sec-XYZ&username=user-XYZ&password=pw-XYZ";

    private CamelContext context;

    @BeforeEach
    void createContext() {
        context = new DefaultCamelContext();
    }

    @AfterEach
    void stopContext() throws Exception {
        context.close();
    }

    /** Starts a context with one route from {@code uri} and returns every message of the failure's cause chain. */
    private String startFails(String uri) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("misconfigured").to("mock:out");
            }
        });
        Throwable error = catchThrowable(context::start);
        assertThat(error).as("starting a route from " + uri + " must fail").isNotNull();
        List<String> messages = new ArrayList<>();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            messages.add(t.getClass().getSimpleName() + ": " + t.getMessage());
        }
        String all = String.join("\n caused by ", messages);
        assertThat(all).as("no credential value in the error").doesNotContain("sec-XYZ", "pw-XYZ");
        return all;
    }

    @Test
    void unknownOptionFailsAtStartNamingTheOption() throws Exception {
        String error = startFails("sfstream:/topic/X?replya=ALL_EVENTS&" + CREDENTIALS);

        assertThat(error).contains("replya");
    }

    @Test
    void unknownChannelPrefixFailsNamingThePath() throws Exception {
        String error = startFails("sfstream:/foo/bar?" + CREDENTIALS);

        assertThat(error).contains("/foo/bar").contains("IllegalArgumentException");
    }

    @Test
    void platformEventWithoutSuffixFailsNamingThePath() throws Exception {
        String error = startFails("sfstream:/event/Foo?" + CREDENTIALS);

        assertThat(error).contains("/event/Foo").contains("__e");
    }

    @Test
    void filterOnANonTopicChannelFailsNamingThePath() throws Exception {
        String error = startFails("sfstream:/u/Foo?filter=Name='a'&" + CREDENTIALS);

        assertThat(error).contains("/u/Foo").contains("PushTopic");
    }

    @Test
    void missingCredentialsFailNamingTheMissingOptions() throws Exception {
        String error = startFails("sfstream:/topic/X?clientId=cid-XYZ&username=user-XYZ");

        assertThat(error).contains("clientSecret").contains("password");
        assertThat(error).doesNotContain("cid-XYZ").doesNotContain("user-XYZ");
    }

    @Test
    void noCredentialsAtAllFailNamingClientId() throws Exception {
        String error = startFails("sfstream:/topic/X");

        assertThat(error).contains("clientId").contains("clientSecret").contains("username").contains("password");
    }

    @Test
    void invalidReplayFailsNamingReplay() throws Exception {
        String error = startFails("sfstream:/topic/X?replay=SOMETIMES&" + CREDENTIALS);

        assertThat(error).contains("replay").contains("SOMETIMES");
    }

    @Test
    void replayBelowMinusTwoIsRefused() throws Exception {
        String error = startFails("sfstream:/topic/X?replay=-3&" + CREDENTIALS);

        assertThat(error).contains("replay");
    }

    @Test
    void pojoBodyWithoutUnmarshalTypeFailsNamingUnmarshalType() throws Exception {
        String error = startFails("sfstream:/topic/X?bodyType=POJO&" + CREDENTIALS);

        assertThat(error).contains("unmarshalType");
    }

    @Test
    void genericRecordBodyOnTheStreamingApiFailsNamingBothOptions() throws Exception {
        String error = startFails("sfstream:/event/X__e?bodyType=GENERIC_RECORD&" + CREDENTIALS);

        assertThat(error).contains("bodyType=GENERIC_RECORD").contains("api=PUBSUB");
    }

    @Test
    void validEndpointIsCreatedWithTheUriOptions() {
        SfStreamEndpoint endpoint = context.getEndpoint(
                "sfstream:/topic/X?replay=ALL_EVENTS&bodyType=POJO&unmarshalType=java.util.HashMap&" + CREDENTIALS,
                SfStreamEndpoint.class);

        assertThat(endpoint.initialReplayId()).isEqualTo(-2);
        assertThat(endpoint.getConfiguration().getBodyType()).isEqualTo(BodyType.POJO);
        assertThat(endpoint.getConfiguration().getUnmarshalType()).isEqualTo(java.util.HashMap.class);
        assertThat(endpoint.getChannel()).isEqualTo("/topic/X");
    }

    // ------------------------------------------------------------------ component defaults

    private SfStreamConfiguration componentConfig() {
        SfStreamConfiguration config = context.getComponent("sfstream", SfStreamComponent.class).getConfiguration();
        config.setClientId("component-cid");
        config.setClientSecret("component-secret");
        config.setUsername("component-user");
        config.setPassword("component-pw");
        return config;
    }

    @Test
    void componentCredentialsMakeAnEndpointWithoutCredentialsValid() {
        componentConfig();

        SfStreamEndpoint endpoint = context.getEndpoint("sfstream:/topic/X", SfStreamEndpoint.class);

        assertThat(endpoint.getConfiguration().getClientId()).isEqualTo("component-cid");
        assertThat(endpoint.getConfiguration().getClientSecret()).isEqualTo("component-secret");
        assertThat(endpoint.getConfiguration().getUsername()).isEqualTo("component-user");
        assertThat(endpoint.getConfiguration().getPassword()).isEqualTo("component-pw");
    }

    @Test
    void componentCredentialsLetTheRouteStart() throws Exception {
        componentConfig().setLoginUrl("http://127.0.0.1:1");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:/topic/X").routeId("r").to("mock:out");
            }
        });

        context.start();

        assertThat(context.getRouteController().getRouteStatus("r").isStarted()).isTrue();
    }

    @Test
    void endpointOptionOverridesTheComponentDefaultWithoutChangingIt() {
        SfStreamConfiguration component = componentConfig();
        component.setReplay("ALL_EVENTS");

        SfStreamEndpoint endpoint = context.getEndpoint("sfstream:/topic/X?clientId=endpoint-cid&replay=NEW_EVENTS",
                SfStreamEndpoint.class);
        SfStreamEndpoint other = context.getEndpoint("sfstream:/topic/Y", SfStreamEndpoint.class);

        assertThat(endpoint.getConfiguration().getClientId()).isEqualTo("endpoint-cid");
        assertThat(endpoint.getConfiguration().getReplay()).isEqualTo("NEW_EVENTS");
        assertThat(endpoint.getConfiguration().getUsername()).isEqualTo("component-user");
        assertThat(component.getClientId()).isEqualTo("component-cid");
        assertThat(component.getReplay()).isEqualTo("ALL_EVENTS");
        assertThat(other.getConfiguration().getClientId()).isEqualTo("component-cid");
        assertThat(other.initialReplayId()).isEqualTo(-2);
    }

    // ------------------------------------------------------------------ login URL

    @Test
    void productionLoginUrlByDefault() {
        SfStreamEndpoint endpoint = context.getEndpoint("sfstream:/topic/X?" + CREDENTIALS, SfStreamEndpoint.class);

        assertThat(endpoint.getConfiguration().effectiveLoginUrl()).isEqualTo("https://login.salesforce.com");
    }

    @Test
    void sandboxGivesTheTestLoginUrl() {
        SfStreamEndpoint endpoint = context.getEndpoint("sfstream:/topic/X?sandbox=true&" + CREDENTIALS,
                SfStreamEndpoint.class);

        assertThat(endpoint.getConfiguration().effectiveLoginUrl()).isEqualTo("https://test.salesforce.com");
    }

    @Test
    void loginUrlWinsOverSandbox() {
        SfStreamEndpoint endpoint = context.getEndpoint(
                "sfstream:/topic/X?sandbox=true&loginUrl=https://acme.my.salesforce.com/&" + CREDENTIALS,
                SfStreamEndpoint.class);

        assertThat(endpoint.getConfiguration().effectiveLoginUrl()).isEqualTo("https://acme.my.salesforce.com");
    }
}
