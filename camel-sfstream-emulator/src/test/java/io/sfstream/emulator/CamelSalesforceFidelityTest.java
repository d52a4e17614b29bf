package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.salesforce.AuthenticationType;
import org.apache.camel.component.salesforce.SalesforceComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fidelity: Apache Camel's own camel-salesforce streaming consumer, unchanged, consumes from the emulator.
 */
class CamelSalesforceFidelityTest {

    @RegisterExtension
    static EmulatorExtension SF = new EmulatorExtension(SalesforceEmulator.builder()
        .connectHold(Duration.ofMillis(500)));

    private CamelContext camel;

    @AfterEach
    void stopCamel() {
        if (camel != null) {
            camel.stop();
        }
    }

    private List<Exchange> startRoute(String uri) throws Exception {
        SalesforceEmulator sf = SF.emulator();
        camel = new DefaultCamelContext();
        SalesforceComponent component = new SalesforceComponent();
        component.setLoginUrl(sf.baseUrl());
        component.setClientId(SalesforceEmulator.CLIENT_ID);
        component.setClientSecret(SalesforceEmulator.CLIENT_SECRET);
        component.setUserName(SalesforceEmulator.USERNAME);
        component.setPassword(SalesforceEmulator.PASSWORD);
        component.setAuthenticationType(AuthenticationType.USERNAME_PASSWORD);
        camel.addComponent("salesforce", component);
        List<Exchange> received = new CopyOnWriteArrayList<>();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri + "&apiVersion=62.0").routeId("fidelity").process(received::add);
            }
        });
        camel.start();
        return received;
    }

    private static Object replayIdOf(Exchange e) {
        return e.getMessage().getHeader("CamelSalesforceReplayId");
    }

    /**
     * The replayIds received, in order, without repeats. camel-salesforce 4.18 can subscribe a channel twice when its
     * handshake listener and the consumer's start race (two "Subscribing to channel" log lines); its CometD client then
     * has two listeners and hands every message to the route twice. The emulator itself never delivers an event twice
     * to a session (a repeated subscribe keeps the session's cursor), which the raw-client tests check.
     */
    private static List<Long> replayIds(List<Exchange> received) {
        return received.stream().map(e -> ((Number) replayIdOf(e)).longValue()).distinct().toList();
    }

    @Test
    void replayAllWithMinusTwoThenLive() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        List<Long> stored = sf.publish("/topic/FidelityAll", 25, 200);
        List<Exchange> received = startRoute("salesforce:subscribe:FidelityAll?replayId=-2");
        await().atMost(Duration.ofSeconds(20)).until(() -> replayIds(received).size() >= 25);
        List<Long> live = sf.publish("/topic/FidelityAll", 5, 200);
        await().atMost(Duration.ofSeconds(20)).until(() -> replayIds(received).size() >= 30);
        List<Long> expected = new ArrayList<>(stored);
        expected.addAll(live);
        List<Long> got = replayIds(received);
        assertThat(got).containsExactlyElementsOf(expected);
        Object body = received.get(0).getMessage().getBody();
        assertThat(body).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) body).keySet()).map(String::valueOf).contains("Id", "Name");
        assertThat(sf.counters().subscriptions("/topic/FidelityAll")).isEqualTo(1);
    }

    @Test
    void newEventsOnlyWithMinusOne() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        sf.publish("/topic/FidelityNew", 10, 100);
        List<Exchange> received = startRoute("salesforce:subscribe:FidelityNew?replayId=-1");
        await().atMost(Duration.ofSeconds(20))
            .until(() -> sf.counters().subscriptions("/topic/FidelityNew") == 1);
        List<Long> live = sf.publish("/topic/FidelityNew", 3, 100);
        await().atMost(Duration.ofSeconds(20)).until(() -> replayIds(received).size() >= 3);
        List<Long> got = replayIds(received);
        assertThat(got).containsExactlyElementsOf(live);
    }

    @Test
    void platformEventWithMinusTwo() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        sf.publish("/event/Fidelity__e", Map.of("Printer_Model__c", "XZO-5"));
        List<Exchange> received = startRoute("salesforce:subscribe:event/Fidelity__e?replayId=-2");
        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= 1);
        Object body = received.get(0).getMessage().getBody();
        assertThat(String.valueOf(body)).contains("XZO-5");
    }

    @Test
    void recoversAfterSessionsAreDropped() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        List<Exchange> received = startRoute("salesforce:subscribe:FidelityDrop?replayId=-1");
        await().atMost(Duration.ofSeconds(20)).until(() -> sf.counters().subscriptions("/topic/FidelityDrop") == 1);
        List<Long> before = sf.publish("/topic/FidelityDrop", 2, 100);
        await().atMost(Duration.ofSeconds(20)).until(() -> replayIds(received).size() >= 2);
        long handshakes = sf.counters().handshakes();
        sf.dropAllSessions();
        // camel-salesforce gets 403::Unknown client, handshakes again and resubscribes
        await().atMost(Duration.ofSeconds(30)).until(() -> sf.counters().handshakes() > handshakes
            && sf.counters().subscriptions("/topic/FidelityDrop") == 1);
        List<Long> after = sf.publish("/topic/FidelityDrop", 2, 100);
        await().atMost(Duration.ofSeconds(20)).until(() -> replayIds(received).size() >= 4);
        List<Long> got = replayIds(received);
        assertThat(got).containsSequence(before).contains(after.toArray(new Long[0]));
    }

    @Test
    void reauthenticatesAfterTokensExpire() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        List<Exchange> received = startRoute("salesforce:subscribe:FidelityAuth?replayId=-1");
        await().atMost(Duration.ofSeconds(20)).until(() -> sf.counters().subscriptions("/topic/FidelityAuth") == 1);
        long logins = sf.counters().logins();
        long handshakes = sf.counters().handshakes();
        sf.expireTokens();
        // the held connect comes back, the next connect gets 401::Authentication invalid: camel logs in again,
        // handshakes and resubscribes (the old session stays until it expires, like on Salesforce)
        await().atMost(Duration.ofSeconds(30)).until(() -> sf.counters().logins() > logins
            && sf.counters().handshakes() > handshakes
            && sf.counters().subscriptions("/topic/FidelityAuth") == 2);
        List<Long> after = sf.publish("/topic/FidelityAuth", 2, 100);
        await().atMost(Duration.ofSeconds(20)).until(() -> replayIds(received).size() >= 2);
        List<Long> got = replayIds(received);
        assertThat(got).containsAll(after);
    }
}
