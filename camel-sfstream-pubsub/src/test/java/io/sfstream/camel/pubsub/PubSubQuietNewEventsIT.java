package io.sfstream.camel.pubsub;

import io.sfstream.camel.SfStreamConfiguration;
import io.sfstream.camel.internal.transport.Channel;
import io.sfstream.camel.internal.transport.StartAt;
import io.sfstream.camel.internal.transport.StreamEvent;
import io.sfstream.camel.internal.transport.Subscriber;
import io.sfstream.camel.internal.transport.Transport;
import io.sfstream.camel.internal.transport.TransportError;
import io.sfstream.camel.internal.transport.TransportFactory;
import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.SalesforceEmulator;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscription started from new events (LATEST) that has received no event yet, on a quiet channel: once the server
 * gave a latest_replay_id (a keepalive), a reconnect (server restart, expired token) starts after it (CUSTOM), never
 * LATEST again, so the events published during the outage arrive, each once.
 * <p>
 * At the transport seam, with a subscriber that keeps no marker (its start is always NEW_EVENTS): in a route the quiet
 * channel's committed marker usually covers this too, but the transport must not depend on a marker having been written
 * (a refused or not yet flushed write, a worker without the lease).
 */
class PubSubQuietNewEventsIT {

    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension(SalesforceEmulator.builder()
            .pubSubKeepaliveInterval(Duration.ofMillis(200)));

    private CamelContext camel;
    private TransportFactory.Transports transports;
    private Transport.Subscription subscription;

    @BeforeEach
    void start() throws Exception {
        camel = new DefaultCamelContext();
        camel.start();
        transports = new PubSubTransportFactory().create();
    }

    @AfterEach
    void stop() throws Exception {
        if (subscription != null) {
            subscription.close();
        }
        transports.close();
        camel.close();
    }

    @Test
    void aServerRestartDuringTheOutageLosesNothing() {
        SalesforceEmulator emulator = SF.emulator();
        String channel = "/event/QuietRestart__e";
        Recorder recorder = subscribe(emulator, channel);
        await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.latest.isEmpty());

        emulator.stopPubSub();
        List<Long> published = emulator.publish(channel, 5, 20);
        emulator.startPubSub();
        awaitExactly(recorder, published.size());
    }

    @Test
    void anExpiredTokenDuringTheOutageLosesNothing() {
        SalesforceEmulator emulator = SF.emulator();
        String channel = "/event/QuietExpiry__e";
        Recorder recorder = subscribe(emulator, channel);
        await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.latest.isEmpty());

        // the stream ends UNAUTHENTICATED; the logins that follow fail for a while: the events come meanwhile
        emulator.faults().failNextLogins(2, 503);
        emulator.expireTokens();
        List<Long> published = emulator.publish(channel, 5, 20);
        awaitExactly(recorder, published.size());
    }

    private static void awaitExactly(Recorder recorder, int count) {
        await().atMost(Duration.ofSeconds(15)).until(() -> recorder.positions.size() >= count);
        // no late duplicate
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5))
                .until(() -> recorder.positions.size() == count);
        assertThat(new HashSet<>(recorder.positions)).hasSize(count);
    }

    private Recorder subscribe(SalesforceEmulator emulator, String channel) {
        SfStreamConfiguration config = new SfStreamConfiguration();
        PubSubTestSupport.configureFor(config, emulator);
        Recorder recorder = new Recorder(Channel.parse(channel));
        subscription = transports.transport(config, camel).open(recorder);
        return recorder;
    }

    /** Keeps no marker: every start it is asked for is NEW_EVENTS. */
    private static final class Recorder implements Subscriber {

        final Channel channel;
        final List<String> positions = new CopyOnWriteArrayList<>();
        final List<String> latest = new CopyOnWriteArrayList<>();

        Recorder(Channel channel) {
            this.channel = channel;
        }

        @Override
        public Channel channel() {
            return channel;
        }

        @Override
        public StartAt startAt() {
            return StartAt.NEW;
        }

        @Override
        public void offer(StreamEvent event) {
            positions.add(event.position());
        }

        @Override
        public boolean isFull() {
            return false;
        }

        @Override
        public int room() {
            return 100;
        }

        @Override
        public Optional<StartAt> fallbackFor(String rejectedPosition, String error) {
            return Optional.empty();
        }

        @Override
        public void onLatest(String position) {
            latest.add(position);
        }

        @Override
        public void onSubscribed(StartAt from) {
        }

        @Override
        public void onError(TransportError error) {
        }
    }
}
