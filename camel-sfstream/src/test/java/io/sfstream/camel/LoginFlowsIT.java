package io.sfstream.camel;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JWT bearer (the emulator verifies the RS256 signature with the public key), client-credentials, fixed-token and
 * TokenSupplier flows end to end: log in, subscribe, receive the published events.
 */
class LoginFlowsIT {

    private static SalesforceEmulator emulator;
    private static String pem;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        // any line of the key must never be logged (route start-up logs show the sanitized URI)
        pem.lines().filter(line -> !line.startsWith("-----")).forEach(SecretLeakAppender::register);
        emulator = SalesforceEmulator.builder().connectHold(Duration.ofMillis(300)).jwtPublicKey(pair.getPublic())
                .build().start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private void receives(String options) throws Exception {
        String channel = "/event/LoginFlow" + System.nanoTime() + "__e";
        emulator.createChannel(channel);
        try (CamelContext context = new DefaultCamelContext()) {
            context.getRegistry().bind("supplier", (TokenSupplier) () -> new SalesforceToken(emulator.issueAccessToken(),
                    URI.create(emulator.baseUrl())));
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("sfstream:" + channel + "?replay=ALL_EVENTS&" + options).to("mock:events");
                }
            });
            context.start();
            MockEndpoint events = context.getEndpoint("mock:events", MockEndpoint.class);
            events.expectedMessageCount(3);
            List<Long> published = emulator.publish(channel, 3, 50);
            events.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
            assertThat(EmulatorTestSupport.replayIdsOf(events)).containsExactlyElementsOf(published);
        }
    }

    @Test
    void jwtBearer() throws Exception {
        long logins = emulator.counters().logins();
        receives("loginUrl=" + emulator.baseUrl() + "&clientId=" + SalesforceEmulator.CLIENT_ID + "&username="
                 + SalesforceEmulator.USERNAME + "&privateKey=RAW(" + pem + ")");
        assertThat(emulator.counters().logins()).isGreaterThan(logins);
    }

    @Test
    void clientCredentials() throws Exception {
        receives("loginUrl=" + emulator.baseUrl() + "&clientId=" + SalesforceEmulator.CLIENT_ID + "&clientSecret="
                 + SalesforceEmulator.CLIENT_SECRET);
    }

    @Test
    void fixedAccessTokenAndTokenSupplier() throws Exception {
        receives("accessToken=" + emulator.issueAccessToken() + "&instanceUrl=" + emulator.baseUrl());
        receives("tokenSupplier=#supplier");
    }
}
