package io.sfstream.camel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.sfstream.emulator.Counters;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The faults a production consumer meets, each on the default configuration (only what a test must record or the
 * option a fault is about is set): every published event reaches the route once, in order, checked after a quiet
 * period, and the recovery takes the path the fault calls for.
 */
class DefaultPathFaultsIT extends FaultTestSupport {

    @AfterEach
    void clearFaults() {
        emulator().faults().reset();
        emulator().endOutage();
    }

    private void defaultRoute(String routeId, String channel, String options) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?exceptionHandler=#errors" + options).routeId(routeId).to("mock:" + routeId);
            }
        });
    }

    @Test
    void aServerRestartRefusingAndResettingConnectionsLosesNothing() throws Exception {
        String channel = "/event/" + uniqueName("ServerRestart") + "__e";
        defaultRoute("r", channel, "");
        awaitSubscribed(channel);
        List<Long> published = new ArrayList<>(emulator().publish(channel, 3, 50));
        assertReceivedExactly("r", published);
        Counters before = emulator().counters();

        for (int restart = 1; restart <= 2; restart++) {
            // the held connect is reset, the port closes and opens again, every Bayeux session is gone
            emulator().restart();
            published.addAll(emulator().publish(channel, 5, 50));
            assertReceivedExactly("r", published);
        }
        Counters after = emulator().counters();
        assertThat(after.logins() - before.logins()).as("the token survives a restart: no new login").isZero();
        assertThat(after.handshakes() - before.handshakes()).as("one handshake per restart").isEqualTo(2);
    }

    @Test
    void aChannelThatHasReceivedNothingYetMissesNothingPublishedDuringAnOutage() throws Exception {
        // replay=NEW_EVENTS (the default) and no stored marker: no replayId marks where this subscription started
        String channel = "/event/" + uniqueName("QuietStart") + "__e";
        defaultRoute("r", channel, "");
        awaitSubscribed(channel);

        // the outage cuts the held connect; what is published meanwhile waits in the old Bayeux session, which the
        // client never trusts again: only a new subscription that replays can bring these events back
        emulator().beginOutage();
        await().atMost(Duration.ofSeconds(10)).until(() -> !"CONNECTED".equals(consumer("r").getSessionState()));
        List<Long> published = new ArrayList<>(emulator().publish(channel, 4, 50));
        emulator().endOutage();
        assertReceivedExactly("r", published);
        // and then it resumes after the last event received, as any channel with a position does
        emulator().restart();
        published.addAll(emulator().publish(channel, 3, 50));
        assertReceivedExactly("r", published);
    }

    @Test
    void aRequestStalledLongerThanHttpRequestTimeoutIsAbandonedAndRetried() throws Exception {
        String channel = "/event/" + uniqueName("Stall") + "__e";
        // the option this fault is about, short so that the test is
        defaultRoute("r", channel, "&httpRequestTimeout=2s");
        awaitSubscribed(channel);
        List<Long> published = new ArrayList<>(emulator().publish(channel, 3, 50));
        assertReceivedExactly("r", published);

        // the session is dropped and the next two requests stall: the connect (whose long-poll timeout follows the
        // server's advice) learns of the drop late, then the handshake stalls past httpRequestTimeout
        emulator().faults().stallNextRequests(2, Duration.ofSeconds(5));
        emulator().dropAllSessions();
        published.addAll(emulator().publish(channel, 4, 50));
        await().atMost(Duration.ofSeconds(20)).until(() -> !errors.of(BayeuxTransportException.class).isEmpty());
        assertThat(errors.of(BayeuxTransportException.class).get(0).getMessage()).containsIgnoringCase("timeout");
        assertReceivedExactly("r", published);
    }

    @Test
    void aHandshakeDeniedForAnExpiredTokenLogsInAgainAtOnce() throws Exception {
        String channel = "/event/" + uniqueName("Denied") + "__e";
        defaultRoute("r", channel, "");
        awaitSubscribed(channel);
        List<Long> published = new ArrayList<>(emulator().publish(channel, 3, 50));
        assertReceivedExactly("r", published);
        long logins = emulator().counters().logins();

        // the connect is cut off while the token expires: the new handshake is denied with failureReason 401
        emulator().beginOutage();
        await().atMost(Duration.ofSeconds(10)).until(() -> !"CONNECTED".equals(consumer("r").getSessionState()));
        emulator().expireTokens();
        published.addAll(emulator().publish(channel, 4, 50));
        emulator().endOutage();
        await().atMost(Duration.ofSeconds(15)).until(() -> errors.errors.stream()
                .anyMatch(e -> String.valueOf(e.getMessage()).contains("403::Handshake denied")));
        long denied = System.nanoTime();
        await().atMost(Duration.ofSeconds(3)).until(() -> emulator().counters().logins() > logins);
        assertThat(Duration.ofNanos(System.nanoTime() - denied)).as("the new login follows the denial at once")
                .isLessThan(Duration.ofSeconds(3));
        assertReceivedExactly("r", published);
    }

    @Test
    void anOrgLimitIsRetriedEveryMaxReconnectDelayAndLosesNothing() throws Exception {
        String channel = "/event/" + uniqueName("Limit") + "__e";
        defaultRoute("r", channel, "");
        awaitSubscribed(channel);
        List<Long> published = new ArrayList<>(emulator().publish(channel, 3, 50));
        assertReceivedExactly("r", published);

        emulator().faults().failNextSubscribes(1, "403::Organization concurrent user limit exceeded");
        emulator().dropAllSessions();
        published.addAll(emulator().publish(channel, 4, 50));
        await().atMost(Duration.ofSeconds(10)).until(() -> !errors.of(SubscriptionException.class).isEmpty());
        long refused = System.nanoTime();
        assertThat(errors.of(SubscriptionException.class).get(0).getMessage()).contains("limit");
        assertReceivedExactly("r", published);
        assertThat(Duration.ofNanos(System.nanoTime() - refused)).as("the retry waits maxReconnectDelay (10s)")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(9));
        assertThat(errors.of(SubscriptionException.class)).as("reported once").hasSize(1);
    }

    @Test
    void anUnknownChannelFailsOnceAndIsNotRetried() throws Exception {
        String channel = "/event/" + uniqueName("Unknown") + "__e";
        emulator().faults().failNextSubscribes(1,
                "400::The channel you requested to subscribe to doesn't exist {" + channel + "}");
        defaultRoute("r", channel, "");
        await().atMost(Duration.ofSeconds(10)).until(() -> !errors.of(SubscriptionException.class).isEmpty());
        // no retry: nothing more is reported and the channel stays unsubscribed
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> errors.errors.size() == 1 && emulator().counters().subscriptions(channel) == 0);
        assertThat(errors.of(SubscriptionException.class).get(0).getMessage()).contains(channel, "doesn't exist");
    }

    @Test
    void aRefusedLoginIsRetriedOnlyEveryMaxReconnectDelay() throws Exception {
        String channel = "/event/" + uniqueName("Refused") + "__e";
        // wrong credentials at endpoint level: the component's are right, this endpoint's session has its own
        defaultRoute("r", channel, "&password=RAW(wrong-password)");
        await().atMost(Duration.ofSeconds(10)).until(() -> !errors.of(SalesforceLoginException.class).isEmpty());
        long first = System.nanoTime();
        await().atMost(Duration.ofSeconds(15)).until(() -> errors.of(SalesforceLoginException.class).size() >= 2);
        Duration between = Duration.ofNanos(System.nanoTime() - first);
        assertThat(between).as("maxReconnectDelay (10s) between refused logins").isGreaterThanOrEqualTo(Duration.ofSeconds(9));
        assertThat(errors.of(SalesforceLoginException.class).get(0).getMessage()).doesNotContain("wrong-password");
    }
}
