package io.sfstream.camel.pubsub;

import io.sfstream.camel.RecordingExceptionHandler;
import io.sfstream.camel.RecordingExceptionHandler.Report;
import io.sfstream.camel.SubscriberErrorException;
import io.sfstream.camel.replay.FileReplayMarkerStore;
import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.SubscriptionRecord;
import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.Faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static io.sfstream.camel.pubsub.PubSubReplayStartIT.seqs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events the emulator sends unreadable, in the middle of a stream (1..3 good, 4 bad, 5..6 good), in the default
 * configuration with a file store: a payload that does not decode with its schema ({@code corruptNextPubSubPayloads})
 * and an event without a replay id ({@code omitReplayIdInNextPubSubEvents}). Each is reported once to the route's
 * exception handler, naming the channel, a replay id and the schema id, and handled like a failed exchange: without
 * ignoreSubscriberErrors delivery stops and the marker stays at event 3 (a restart resumes with event 4); with it the
 * event is skipped and the marker ends at event 6. An event without a replay id has no position of its own: the report
 * names the position it came after (event 3's), a skip commits nothing for it, and the first event of a stream is
 * handled the same way.
 */
class PubSubUnreadableEventIT extends PubSubTestSupport {

    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Longer than the default replayCommitInterval (1 s): a marker that would move has been written by then. */
    private static final Duration QUIET = Duration.ofMillis(2500);
    private static final AtomicInteger ROUTES = new AtomicInteger();

    @TempDir
    Path dir;

    /** The two unreadable events the emulator can send, each armed for the next event it sends. */
    enum Fault {
        /** A payload that does not decode with its schema. */
        MALFORMED_PAYLOAD(faults -> faults.corruptNextPubSubPayloads(1)),
        /** An event without a replay id. */
        NO_REPLAY_ID(faults -> faults.omitReplayIdInNextPubSubEvents(1));

        private final Consumer<Faults> arm;

        Fault(Consumer<Faults> arm) {
            this.arm = arm;
        }

        void arm(Faults faults) {
            arm.accept(faults);
        }
    }

    private final RecordingExceptionHandler recorder = new RecordingExceptionHandler();
    private final List<Report> reported = recorder.reports;

    @Override
    EmulatorExtension emulatorExtension() {
        return SF;
    }

    @AfterEach
    void clearFaults() {
        emulator().faults().reset();
    }

    @Override
    protected void bindToRegistry(org.apache.camel.spi.Registry registry) {
        registry.bind("recorder", recorder);
    }

    // ------------------------------------------------------------------ a payload that does not decode

    @Test
    void aMalformedPayloadStopsDeliveryAndTheMarkerStaysBeforeIt() throws Exception {
        Stopped stopped = stopsThenResumes(Fault.MALFORMED_PAYLOAD, "Malformed");
        // the restart got event 4 intact: the report named its replay id
        SubscriberErrorException error = stopped.error();
        assertThat(error.getPosition()).isEqualTo(stopped.fourth());
        assertThat(error.getChannel()).isEqualTo(stopped.channel());
        assertThat(error.getMessage()).contains(stopped.channel(), stopped.fourth(),
                emulator().schemaId(stopped.channel()), "does not decode");
    }

    @Test
    void aMalformedPayloadIsSkippedWithIgnoreSubscriberErrors() throws Exception {
        Skipped skipped = skips(Fault.MALFORMED_PAYLOAD, "MalformedSkipped");
        String channel = skipped.channel();
        String fourth = referencePositions(channel).get(3);
        assertThat(skipped.delivered()).doesNotContain(fourth);
        assertThat(reported.get(0).text()).contains(channel, fourth, emulator().schemaId(channel), "does not decode");
    }

    // ------------------------------------------------------------------ an event without a replay id

    @Test
    void anEventWithoutReplayIdStopsDeliveryAndTheMarkerStaysBeforeIt() throws Exception {
        Stopped stopped = stopsThenResumes(Fault.NO_REPLAY_ID, "NoReplayId");
        // the event has no position: the failure has none either, and names the one it came after, event 3's
        SubscriberErrorException error = stopped.error();
        assertThat(error.getPosition()).isNull();
        assertThat(error.getMessage()).contains(stopped.channel(), "came after " + stopped.third(),
                emulator().schemaId(stopped.channel()), "has no replay id");
    }

    @Test
    void anEventWithoutReplayIdIsSkippedWithIgnoreSubscriberErrors() throws Exception {
        Skipped skipped = skips(Fault.NO_REPLAY_ID, "NoReplayIdSkipped");
        String channel = skipped.channel();
        assertThat(reported.get(0).text()).contains(channel, skipped.third(), emulator().schemaId(channel),
                "has no replay id");
    }

    /**
     * The first event of a stream that started from LATEST (or EARLIEST) has no position before it either. The
     * requirement: handled like a failed exchange, so without ignoreSubscriberErrors nothing after it is delivered and
     * no marker moves past it.
     */
    @Test
    void aFirstEventWithoutReplayIdStopsDelivery() throws Exception {
        String channel = "/event/" + uniqueName("FirstNoReplayId") + "__e";
        Path markers = dir.resolve("markers");
        MockEndpoint mock = getMockEndpoint("mock:firstNoReplayId");
        startRoute(channel, markers, "", mock);
        Fault.NO_REPLAY_ID.arm(emulator().faults());
        publish(channel, 1, 3);
        await().atMost(WAIT).until(() -> !reported.isEmpty());
        await().during(QUIET).atMost(QUIET.multipliedBy(3)).until(() -> reported.size() == 1);
        assertThat(reported.get(0).text()).contains(channel, emulator().schemaId(channel), "has no replay id");
        assertThat(mock.getReceivedCounter()).isZero();
        assertThat(storedPosition(markers, channel)).isNull();
    }

    // ------------------------------------------------------------------ the two flows

    /** What {@link #stopsThenResumes} saw: the one report's exception and the positions of events 3 and 4. */
    record Stopped(String channel, SubscriberErrorException error, String third, String fourth) {
    }

    /**
     * Without ignoreSubscriberErrors: events 1..3, then {@code fault} on event 4 of 4..6. Checks that delivery stops
     * after event 3 with one report and the marker stays at event 3, also after a quiet while and a stop; that a restart
     * resumes with event 4 (which the emulator now sends intact) and the marker ends at event 6, with no second report.
     */
    private Stopped stopsThenResumes(Fault fault, String name) throws Exception {
        String channel = "/event/" + uniqueName(name) + "__e";
        Path markers = dir.resolve("markers");
        MockEndpoint mock = getMockEndpoint("mock:" + name);
        String route = startRoute(channel, markers, "", mock);
        String third = firstThree(channel, mock, markers);

        fault.arm(emulator().faults());
        publish(channel, 4, 3);
        await().atMost(WAIT).until(() -> !reported.isEmpty());
        // nothing after it is delivered, nothing more is reported, the marker stays at event 3, also after a quiet while
        await().during(QUIET).atMost(QUIET.multipliedBy(3))
                .until(() -> mock.getReceivedCounter() == 3 && reported.size() == 1
                             && third.equals(storedPosition(markers, channel)));
        assertThat(seqs(mock)).containsExactly(1, 2, 3);
        SubscriberErrorException error = (SubscriberErrorException) reported.get(0).error();
        context.getRouteController().stopRoute(route);
        assertThat(storedPosition(markers, channel)).isEqualTo(third);

        // a restart resumes with event 4, which the emulator now sends intact
        mock.reset();
        context.getRouteController().startRoute(route);
        await().atMost(WAIT).until(() -> mock.getReceivedCounter() == 3);
        assertThat(seqs(mock)).containsExactly(4, 5, 6);
        String fourth = positions(mock).get(0);
        String sixth = positions(mock).get(2);
        await().atMost(WAIT).until(() -> sixth.equals(storedPosition(markers, channel)));
        assertThat(reported).hasSize(1);
        return new Stopped(channel, error, third, fourth);
    }

    /** What {@link #skips} saw: the position of event 3 and the positions delivered. */
    record Skipped(String channel, String third, List<String> delivered) {
    }

    /**
     * With ignoreSubscriberErrors: events 1..3, then {@code fault} on event 4 of 4..6. Checks that event 4 is skipped
     * (1, 2, 3, 5, 6 delivered, no late duplicate, one report) and the marker ends at event 6, also after a stop.
     */
    private Skipped skips(Fault fault, String name) throws Exception {
        String channel = "/event/" + uniqueName(name) + "__e";
        Path markers = dir.resolve("markers");
        MockEndpoint mock = getMockEndpoint("mock:" + name);
        String route = startRoute(channel, markers, "&ignoreSubscriberErrors=true", mock);
        String third = firstThree(channel, mock, markers);

        fault.arm(emulator().faults());
        publish(channel, 4, 3);
        await().atMost(WAIT).until(() -> mock.getReceivedCounter() == 5);
        List<String> delivered = positions(mock);
        String sixth = delivered.get(4);
        await().atMost(WAIT).until(() -> sixth.equals(storedPosition(markers, channel)));
        // no late duplicate, no second report
        await().during(QUIET).atMost(QUIET.multipliedBy(3))
                .until(() -> mock.getReceivedCounter() == 5 && reported.size() == 1);
        assertThat(seqs(mock)).containsExactly(1, 2, 3, 5, 6);
        context.getRouteController().stopRoute(route);
        assertThat(storedPosition(markers, channel)).isEqualTo(sixth);
        return new Skipped(channel, third, delivered);
    }

    // ------------------------------------------------------------------ helpers

    /** Starts the route in the default configuration plus {@code options}, and waits for its stream to be open. */
    private String startRoute(String channel, Path markers, String options, MockEndpoint mock) throws Exception {
        String id = "unreadable" + ROUTES.incrementAndGet();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replayStore=" + markers + "&exceptionHandler=#recorder" + options)
                        .routeId(id).to(mock);
            }
        });
        // NEW_EVENTS (the default): the stream must be open before the events are published
        await().atMost(WAIT).until(() -> !streams(channel).isEmpty());
        return id;
    }

    /** Publishes events 1..3, waits for them and for the marker to reach event 3; returns its position. */
    private String firstThree(String channel, MockEndpoint mock, Path markers) {
        publish(channel, 1, 3);
        await().atMost(WAIT).until(() -> mock.getReceivedCounter() == 3);
        String third = positions(mock).get(2);
        await().atMost(WAIT).until(() -> third.equals(storedPosition(markers, channel)));
        assertThat(reported).isEmpty();
        return third;
    }

    /** The positions of every event of the channel, read intact by a route of its own (in-memory store). */
    private List<String> referencePositions(String channel) throws Exception {
        MockEndpoint all = getMockEndpoint("mock:reference" + ROUTES.incrementAndGet());
        String id = "reference" + ROUTES.get();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS").routeId(id).to(all);
            }
        });
        await().atMost(WAIT).until(() -> all.getReceivedCounter() == 6);
        context.getRouteController().stopRoute(id);
        assertThat(seqs(all)).containsExactly(1, 2, 3, 4, 5, 6);
        return positions(all);
    }

    private void publish(String channel, int from, int count) {
        for (int i = from; i < from + count; i++) {
            emulator().publish(channel, Map.of("Seq__c", i));
        }
    }

    /** The position of {@code key}'s marker in the marker file, or null. */
    static String storedPosition(Path file, String key) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        for (String line : Files.readAllLines(file)) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Map.Entry<String, String> entry = FileReplayMarkerStore.parseLine(line);
            if (entry.getKey().equals(key)) {
                ReplayMarker marker = SubscriptionRecord.parse(key, entry.getValue()).marker();
                return marker == null ? null : marker.position();
            }
        }
        return null;
    }
}
