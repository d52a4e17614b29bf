package io.sfstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.sfstream.emulator.pubsub.proto.CommitReplayRequest;
import io.sfstream.emulator.pubsub.proto.ErrorCode;
import io.sfstream.emulator.pubsub.proto.ManagedFetchRequest;
import io.sfstream.emulator.pubsub.proto.ManagedFetchResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ManagedSubscribe: the server keeps the committed position per subscription name; one client at a time. */
class PubSubManagedSubscribeTest {

    @RegisterExtension
    static EmulatorExtension SF = new EmulatorExtension();

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static void commit(PubSubTestClient.Managed m, String requestId, ByteString replayId) {
        m.requests.onNext(ManagedFetchRequest.newBuilder().setCommitReplayIdRequest(CommitReplayRequest.newBuilder()
            .setCommitRequestId(requestId).setReplayId(replayId)).build());
    }

    private static ManagedFetchResponse commitAnswer(PubSubTestClient.Managed m, String requestId) {
        return m.responses.stream().filter(r -> r.hasCommitResponse()
            && r.getCommitResponse().getCommitRequestId().equals(requestId)).findFirst().orElse(null);
    }

    @Test
    void theServerResumesAfterTheCommittedPosition() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        sf.publish("/event/Managed_Orders__e", 5, 0);
        String id = sf.createManagedSubscription("Managed_Orders", "/event/Managed_Orders__e", "EARLIEST", "EARLIEST");
        assertThat(id).hasSize(18);
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Managed first = c.managed("Managed_Orders", 10);
            await().atMost(WAIT).until(() -> first.events.size() == 5);
            commit(first, "c1", first.events.get(2).getReplayId());
            await().atMost(WAIT).until(() -> commitAnswer(first, "c1") != null);
            ManagedFetchResponse answer = commitAnswer(first, "c1");
            assertThat(answer.getCommitResponse().hasError()).isFalse();
            assertThat(answer.getCommitResponse().getReplayId()).isEqualTo(first.events.get(2).getReplayId());
            assertThat(answer.getCommitResponse().getProcessTime()).isPositive();
            assertThat(answer.getEventsCount()).isZero();

            // a second client is refused while the first holds the subscription
            PubSubTestClient.Managed second = c.managed("Managed_Orders", 10);
            await().atMost(WAIT).until(() -> second.error != null);
            assertThat(Status.fromThrowable(second.error).getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(PubSubTestClient.errorCode(second.error)).isEqualTo(PubSubErrors.CLIENT_LIMIT_EXCEEDED);

            first.requests.onCompleted();
            await().atMost(WAIT).until(() -> first.completed);
            await().atMost(WAIT).until(() -> sf.pubSubStats().streamsOpen() == 0);

            // the next client starts after the committed position, not where the first one stopped reading
            PubSubTestClient.Managed third = c.managed("Managed_Orders", 10);
            await().atMost(WAIT).until(() -> third.events.size() == 2);
            assertThat(third.events.get(0).getEvent().getId()).isEqualTo(first.events.get(3).getEvent().getId());
            third.requests.onCompleted();
        }
    }

    @Test
    void invalidCommitsAreAnsweredWithACommitErrorAndUnknownNamesRefused() throws Exception {
        SalesforceEmulator sf = SF.emulator();
        sf.createManagedSubscription("Managed_Bad", "/event/Managed_Bad__e", "LATEST", "LATEST");
        try (PubSubTestClient c = PubSubTestClient.plaintext(sf)) {
            PubSubTestClient.Managed m = c.managed("Managed_Bad", 5);
            await().atMost(WAIT).until(() -> sf.pubSubStats().streamsOpen() == 1);
            sf.publish("/event/Managed_Bad__e", Map.of("Note__c", "x"));
            await().atMost(WAIT).until(() -> m.events.size() == 1);
            // a keepalive-style commit of latest_replay_id is accepted, a made-up one is not
            commit(m, "ok", m.responses.get(m.responses.size() - 1).getLatestReplayId());
            commit(m, "bad", ByteString.copyFromUtf8("not a replay id"));
            await().atMost(WAIT).until(() -> commitAnswer(m, "bad") != null && commitAnswer(m, "ok") != null);
            assertThat(commitAnswer(m, "ok").getCommitResponse().hasError()).isFalse();
            assertThat(commitAnswer(m, "bad").getCommitResponse().getError().getCode()).isEqualTo(ErrorCode.COMMIT);
            m.requests.onCompleted();

            PubSubTestClient.Managed unknown = c.managed("Nobody", 5);
            await().atMost(WAIT).until(() -> unknown.error != null);
            assertThat(PubSubTestClient.errorCode(unknown.error)).isEqualTo(PubSubErrors.MANAGED_SUBSCRIPTION_NOT_FOUND);
        }
    }
}
