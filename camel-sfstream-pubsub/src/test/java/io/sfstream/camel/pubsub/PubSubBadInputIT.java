package io.sfstream.camel.pubsub;

import io.grpc.Status;
import io.sfstream.camel.RecordingExceptionHandler;
import io.sfstream.camel.SubscriberErrorException;
import io.sfstream.camel.replay.ReplayMarker;
import io.sfstream.camel.replay.SubscriptionRecord;
import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.PubSubErrors;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.sfstream.camel.pubsub.PubSubReplayStartIT.seqs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An event whose schema id GetSchema cannot return is reported once, naming the channel, the replay id and the schema
 * id, and handled like a failed exchange: without ignoreSubscriberErrors delivery stops and the marker stays before
 * it; with it the event is skipped.
 */
class PubSubBadInputIT extends PubSubTestSupport {

    @RegisterExtension
    static final EmulatorExtension SF = new EmulatorExtension();

    private final Map<String, String> markers = new ConcurrentHashMap<>();
    private final RecordingExceptionHandler recorder = new RecordingExceptionHandler();
    private final List<Throwable> reported = recorder.errors;

    @Override
    EmulatorExtension emulatorExtension() {
        return SF;
    }

    @Override
    protected void bindToRegistry(org.apache.camel.spi.Registry registry) {
        registry.bind("markers", markers);
        registry.bind("recorder", recorder);
    }

    @Test
    void anUnknownSchemaStopsDeliveryBeforeTheEvent() throws Exception {
        String channel = "/event/" + uniqueName("UnknownSchema") + "__e";
        MockEndpoint mock = getMockEndpoint("mock:stop");
        addRoute("sfstream:" + channel + "?replay=ALL_EVENTS&replayStore=#markers&replayCommitInterval=100ms"
                 + "&exceptionHandler=#recorder", mock.getEndpointUri());
        publish(channel, 0, 5, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() == 5);
        String fifth = positions(mock).get(4);
        await().atMost(Duration.ofSeconds(5)).until(() -> fifth.equals(storedPosition(channel)));

        emulator().faults().failNextPubSubCalls(1, Status.Code.NOT_FOUND, PubSubErrors.SCHEMA_NOT_FOUND);
        publish(channel, 5, 3, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> !reported.isEmpty());
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5))
                .until(() -> mock.getReceivedCounter() == 5 && reported.size() == 1);
        SubscriberErrorException error = (SubscriberErrorException) reported.get(0);
        String schemaId = emulator().schemaId(channel);
        assertThat(error.getMessage()).contains(channel, schemaId, error.getPosition());
        assertThat(error.getPosition()).isNotEqualTo(fifth);
        assertThat(storedPosition(channel)).isEqualTo(fifth);
    }

    @Test
    void anUnknownSchemaIsSkippedWithIgnoreSubscriberErrors() throws Exception {
        String channel = "/event/" + uniqueName("SkippedSchema") + "__e";
        MockEndpoint mock = getMockEndpoint("mock:skip");
        addRoute("sfstream:" + channel + "?replay=ALL_EVENTS&ignoreSubscriberErrors=true&exceptionHandler=#recorder",
                mock.getEndpointUri());
        publish(channel, 0, 5, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() == 5);
        emulator().faults().failNextPubSubCalls(1, Status.Code.NOT_FOUND, PubSubErrors.SCHEMA_NOT_FOUND);
        publish(channel, 5, 3, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> mock.getReceivedCounter() == 7);
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5)).until(() -> mock.getReceivedCounter() == 7);
        assertThat(seqs(mock)).containsExactlyElementsOf(List.of(0, 1, 2, 3, 4, 6, 7));
        assertThat(reported).hasSize(1);
        assertThat(reported.get(0).getMessage()).contains(channel, emulator().schemaId(channel));
    }

    private String storedPosition(String key) {
        String text = markers.get(key);
        ReplayMarker marker = text == null ? null : SubscriptionRecord.parse(key, text).marker();
        return marker == null ? null : marker.position();
    }

    /** With {@code newField}, the events carry a field the schema lacks: a new schema id. */
    private void publish(String channel, int from, int count, boolean newField) {
        for (int i = from; i < from + count; i++) {
            emulator().publish(channel, newField ? Map.of("Seq__c", i, "Extra__c", "x") : Map.of("Seq__c", i));
        }
    }

}
