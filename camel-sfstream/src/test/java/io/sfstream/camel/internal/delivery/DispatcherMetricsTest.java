package io.sfstream.camel.internal.delivery;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sfstream.camel.BodyType;
import io.sfstream.camel.ReplayCommit;
import io.sfstream.camel.SfStreamConfiguration;
import io.sfstream.camel.internal.transport.Channel;
import io.sfstream.camel.internal.transport.EventData;
import io.sfstream.camel.internal.transport.StartAt;
import io.sfstream.camel.internal.transport.StreamEvent;
import io.sfstream.camel.replay.InMemoryReplayMarkerStore;
import io.sfstream.camel.replay.ReplayMarkerStore;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.DefaultConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dispatcher feeds the metrics by arrival order, so received, committed and lag move for opaque Pub/Sub positions
 * as they do for decimal replayIds; the same mechanism for both.
 */
class DispatcherMetricsTest {

    private static final String CHANNEL = "/event/Metrics__e";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private DefaultCamelContext context;
    private Thread dispatcherThread;
    private Dispatcher dispatcher;
    private ConsumerMetrics metrics;

    @BeforeEach
    void startContext() {
        context = new DefaultCamelContext();
        context.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (dispatcher != null) {
            dispatcher.stop();
        }
        if (dispatcherThread != null) {
            dispatcherThread.join(5_000);
        }
        if (metrics != null) {
            metrics.close();
        }
        context.close();
    }

    enum Api {
        STREAMING, PUBSUB;

        String position(int i) {
            return this == STREAMING ? Long.toString(1000 + i)
                    : Base64.getEncoder().encodeToString(ByteBuffer.allocate(8).putLong(i).array());
        }
    }

    private Dispatcher start(Processor route, ReplayCommit policy) throws Exception {
        return start(route, policy, false);
    }

    private Dispatcher start(Processor route, ReplayCommit policy, boolean ignoreSubscriberErrors) throws Exception {
        SfStreamConfiguration config = new SfStreamConfiguration();
        config.setReplayCommit(policy);
        config.setIgnoreSubscriberErrors(ignoreSubscriberErrors);
        // no route around it, hence no unit of work: run the on-completions as its end would
        Processor withCompletions = exchange -> {
            try {
                route.process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            for (Synchronization completion : exchange.getExchangeExtension().handoverCompletions()) {
                if (exchange.isFailed()) {
                    completion.onFailure(exchange);
                } else {
                    completion.onComplete(exchange);
                }
            }
        };
        DefaultConsumer camel = new DefaultConsumer(context.getEndpoint("mock:route"), withCompletions);
        camel.start();
        dispatcher = new Dispatcher(Channel.parse(CHANNEL), "key", config, StartAt.NEW, camel, new Dispatcher.Host() {
            @Override
            public boolean leaseLost() {
                return false;
            }

            @Override
            public boolean mayProcess() {
                return true;
            }

            @Override
            public void stepDown(boolean leaveTransport) {
            }
        });
        ReplayMarkerStore store = new InMemoryReplayMarkerStore();
        metrics = MicrometerConsumerMetrics.create(meters, CHANNEL, "r");
        metrics.started();
        dispatcher.start(new EventMapper(Channel.parse(CHANNEL).kind(), BodyType.STRING, null, new ObjectMapper()),
                store, new MarkerCommitter("key", store), metrics);
        dispatcherThread = new Thread(dispatcher, "dispatcher");
        dispatcherThread.start();
        return dispatcher;
    }

    private static StreamEvent event(String position) {
        return new StreamEvent(CHANNEL, position, new StreamEvent.HeaderFields(null, null, null, null, null, null, null,
                null), EventData.ofJson("{}".getBytes(StandardCharsets.UTF_8)));
    }

    private double count(String name) {
        return meters.get(name).counter().count();
    }

    private double lag() {
        return meters.get("sfstream.lag").gauge().value();
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void receivedCommittedAndLagMoveForEitherApi(Api api) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        start(exchange -> {
            if (!release.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        }, ReplayCommit.ON_COMPLETION);
        for (int i = 1; i <= 4; i++) {
            dispatcher.offer(event(api.position(i)));
        }
        // the first exchange blocks the route: all four are received, none committed
        assertThat(count("sfstream.events.received")).isEqualTo(4);
        assertThat(lag()).isEqualTo(4);
        assertThat(count("sfstream.events.committed")).isZero();

        release.countDown();
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(count("sfstream.events.committed")).isEqualTo(4);
            assertThat(lag()).isZero();
        });
        assertThat(dispatcher.lastReceived()).isEqualTo(api.position(4));
        // the committer writes the newest watermark at its interval: here, now
        dispatcher.writeMarker();
        assertThat(dispatcher.committedMarker().position()).isEqualTo(api.position(4));
        assertThat(count("sfstream.events.redelivered")).isZero();
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void committedOnReceiveCountsEveryEvent(Api api) throws Exception {
        start(exchange -> {
        }, ReplayCommit.ON_RECEIVE);
        for (int i = 1; i <= 3; i++) {
            dispatcher.offer(event(api.position(i)));
        }
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(count("sfstream.events.received")).isEqualTo(3);
            assertThat(count("sfstream.events.committed")).isEqualTo(3);
            assertThat(lag()).isZero();
        });
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void theServersNewestPositionCommitsWhatCame(Api api) throws Exception {
        startAndCommitTheFirstEvent(api);
        dispatcher.onLatest(api.position(9));
        assertThat(count("sfstream.events.committed")).isEqualTo(1);
        assertThat(lag()).isZero();
    }

    /** Starts committing on completion, and waits for event 1 to be processed and committed, nothing pending. */
    private void startAndCommitTheFirstEvent(Api api) throws Exception {
        start(exchange -> {
        }, ReplayCommit.ON_COMPLETION);
        dispatcher.offer(event(api.position(1)));
        await().atMost(10, TimeUnit.SECONDS).until(() -> count("sfstream.events.committed") == 1
                && dispatcher.pendingCount() == 0 && dispatcher.inFlight() == 0);
    }

    /** A graceful stop drops what comes after it unprocessed: the server's newest position must not commit those. */
    @ParameterizedTest
    @EnumSource(Api.class)
    void whileDrainingTheServersNewestPositionMovesNoMarker(Api api) throws Exception {
        startAndCommitTheFirstEvent(api);
        dispatcher.drain();
        dispatcher.offer(event(api.position(2)));
        dispatcher.onLatest(api.position(2));
        dispatcher.writeMarker();
        assertThat(dispatcher.committedMarker().position()).isEqualTo(api.position(1));
    }

    @ParameterizedTest
    @EnumSource(Api.class)
    void aSkippedEventWithoutAPositionIsCommittedWithTheNextOneThatHasOne(Api api) throws Exception {
        start(exchange -> {
        }, ReplayCommit.ON_COMPLETION, true);
        dispatcher.offer(event(api.position(1)));
        dispatcher.offer(StreamEvent.unreadable(CHANNEL, null, "no replay id"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> count("sfstream.events.failed") == 1);
        // skipped, but no marker can point at it: done only once a later event moves the marker past it
        assertThat(count("sfstream.events.committed")).isEqualTo(1);
        assertThat(lag()).isEqualTo(1);
        assertThat(dispatcher.lastReceived()).isEqualTo(api.position(1));

        dispatcher.offer(event(api.position(3)));
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(count("sfstream.events.received")).isEqualTo(3);
            assertThat(count("sfstream.events.committed")).isEqualTo(3);
            assertThat(lag()).isZero();
        });
    }
}
