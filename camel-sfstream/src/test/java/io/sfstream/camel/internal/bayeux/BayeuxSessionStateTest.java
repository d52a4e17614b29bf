package io.sfstream.camel.internal.bayeux;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.sfstream.camel.ManualScheduler;
import io.sfstream.camel.SfStreamConfiguration;
import io.sfstream.camel.internal.login.SalesforceLogin;
import io.sfstream.camel.internal.transport.Channel;
import io.sfstream.camel.internal.transport.StartAt;
import io.sfstream.camel.internal.transport.StreamEvent;
import io.sfstream.camel.internal.transport.Subscriber;
import io.sfstream.camel.internal.transport.TransportError;
import org.junit.jupiter.api.Test;

import static io.sfstream.camel.internal.bayeux.SessionState.CLOSED;
import static io.sfstream.camel.internal.bayeux.SessionState.CONNECTED;
import static io.sfstream.camel.internal.bayeux.SessionState.FAILED;
import static io.sfstream.camel.internal.bayeux.SessionState.HANDSHAKING;
import static io.sfstream.camel.internal.bayeux.SessionState.IDLE;
import static io.sfstream.camel.internal.bayeux.SessionState.LOGGING_IN;
import static io.sfstream.camel.internal.bayeux.SessionState.WAITING_TO_RETRY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session's state machine on its own: a fake wire whose answers the test gives, a scheduler whose timers run when
 * the test says, a fixed access token (no login request).
 */
class BayeuxSessionStateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ManualScheduler scheduler = new ManualScheduler();
    private final FakeRequests wire = new FakeRequests();
    private final Listener listener = new Listener();
    private final BayeuxSession session = newSession();

    private BayeuxSession newSession() {
        SfStreamConfiguration config = new SfStreamConfiguration();
        config.setAccessToken("fixed-token-STATE42");
        config.setInstanceUrl("https://example.my.salesforce.com");
        SalesforceLogin login = new SalesforceLogin(HttpClient.newHttpClient(), JSON, config, null);
        BackOff backOff = new BackOff(Duration.ofMillis(10), Duration.ofSeconds(1), () -> 0.5);
        return new BayeuxSession("state-test", login, wire, JSON, "64.0", scheduler, backOff, Clock.systemUTC(),
                Duration.ZERO, Duration.ZERO);
    }

    @Test
    void theTableAllowsOnlyTheDocumentedMoves() {
        assertThat(IDLE.isUpdateableTo(LOGGING_IN)).isTrue();
        assertThat(IDLE.isUpdateableTo(CONNECTED)).isFalse();
        assertThat(LOGGING_IN.isUpdateableTo(HANDSHAKING)).isTrue();
        assertThat(LOGGING_IN.isUpdateableTo(CONNECTED)).isFalse();
        assertThat(HANDSHAKING.isUpdateableTo(CONNECTED)).isTrue();
        assertThat(CONNECTED.isUpdateableTo(HANDSHAKING)).isTrue();
        assertThat(CONNECTED.isUpdateableTo(LOGGING_IN)).isFalse();
        assertThat(WAITING_TO_RETRY.isUpdateableTo(LOGGING_IN)).isTrue();
        assertThat(WAITING_TO_RETRY.isUpdateableTo(WAITING_TO_RETRY)).isFalse();
        for (SessionState state : SessionState.values()) {
            assertThat(state.isUpdateableTo(CLOSED)).as(state + " -> CLOSED").isEqualTo(state != CLOSED);
            assertThat(FAILED.isUpdateableTo(state)).as("FAILED -> " + state).isEqualTo(state == CLOSED);
            assertThat(CLOSED.isUpdateableTo(state)).as("CLOSED -> " + state).isFalse();
        }
    }

    @Test
    void firstChannelLogsInHandshakesSubscribesAndConnects() {
        assertThat(state()).isEqualTo(IDLE);
        session.subscribe(listener);

        // the fixed token needs no request: the login step hands over to the handshake step
        assertThat(state()).isEqualTo(HANDSHAKING);
        assertThat(wire.channels()).containsExactly("/meta/handshake");

        wire.answer(0, handshakeReply());
        assertThat(state()).isEqualTo(CONNECTED);
        assertThat(wire.channels()).containsExactly("/meta/handshake", "/meta/subscribe", "/meta/connect");
    }

    @Test
    void unknownClientHandshakesAgainAtOnce() {
        connected();
        wire.answer(2, "[{\"channel\":\"/meta/connect\",\"successful\":false,\"error\":\"403::Unknown client\","
                       + "\"advice\":{\"reconnect\":\"handshake\"}}]");

        assertThat(state()).isEqualTo(HANDSHAKING);
        assertThat(wire.channels().get(wire.channels().size() - 1)).isEqualTo("/meta/handshake");
    }

    @Test
    void aLostConnectWaitsThenHandshakesAgain() {
        connected();
        wire.fail(2, new java.io.IOException("connection reset"));

        assertThat(state()).isEqualTo(WAITING_TO_RETRY);
        assertThat(listener.errors).isNotEmpty();
        int sent = wire.channels().size();

        scheduler.runDue();
        assertThat(state()).isEqualTo(HANDSHAKING);
        assertThat(wire.channels()).hasSize(sent + 1).last().isEqualTo("/meta/handshake");
    }

    @Test
    void closedIsTerminal() {
        connected();
        session.close();
        assertThat(state()).isEqualTo(CLOSED);

        // answers still under way change nothing
        wire.answer(2, "[{\"channel\":\"/meta/connect\",\"successful\":true}]");
        session.subscribe(new Listener());
        assertThat(state()).isEqualTo(CLOSED);
    }

    private void connected() {
        session.subscribe(listener);
        wire.answer(0, handshakeReply());
        wire.answer(1, "[{\"channel\":\"/meta/subscribe\",\"successful\":true,\"subscription\":\"/topic/Orders\"}]");
        assertThat(state()).isEqualTo(CONNECTED);
    }

    private SessionState state() {
        return session.statistics().sessionState();
    }

    private static String handshakeReply() {
        return "[{\"channel\":\"/meta/handshake\",\"successful\":true,\"clientId\":\"client-1\",\"version\":\"1.0\","
               + "\"ext\":{\"replay\":true}}]";
    }

    /** Records every batch and keeps its answer open until the test gives it. */
    private static final class FakeRequests implements BayeuxRequests {
        final List<ArrayNode> sent = new ArrayList<>();
        final List<CompletableFuture<BayeuxResponse>> answers = new ArrayList<>();

        @Override
        public synchronized CompletableFuture<BayeuxResponse> send(URI url, String accessToken, ArrayNode messages,
                                                                   Duration timeout) {
            CompletableFuture<BayeuxResponse> answer = new CompletableFuture<>();
            sent.add(messages);
            answers.add(answer);
            return answer;
        }

        @Override
        public void clearCookies() {
        }

        synchronized List<String> channels() {
            List<String> channels = new ArrayList<>();
            sent.forEach(batch -> batch.forEach(message -> channels.add(message.path("channel").asText())));
            return channels;
        }

        void answer(int request, String replies) {
            List<JsonNode> nodes = new ArrayList<>();
            try {
                JSON.readTree(replies).forEach(nodes::add);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e);
            }
            answers.get(request).complete(new BayeuxResponse(nodes, List.of()));
        }

        void fail(int request, Throwable error) {
            answers.get(request).completeExceptionally(error);
        }
    }

    static final class Listener implements Subscriber {
        final List<TransportError> errors = new ArrayList<>();

        @Override
        public Channel channel() {
            return Channel.parse("/topic/Orders");
        }

        @Override
        public StartAt startAt() {
            return StartAt.NEW;
        }

        @Override
        public void offer(StreamEvent event) {
        }

        @Override
        public boolean isFull() {
            return false;
        }

        @Override
        public Optional<StartAt> fallbackFor(String rejectedPosition, String error) {
            return Optional.empty();
        }

        @Override
        public void onSubscribed(StartAt from) {
        }

        @Override
        public void onError(TransportError error) {
            errors.add(error);
        }
    }
}
