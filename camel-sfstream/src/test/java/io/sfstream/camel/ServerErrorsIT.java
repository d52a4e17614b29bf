package io.sfstream.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.sfstream.emulator.Counters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * HTTP 503 and HTML maintenance pages on Bayeux requests: each failure is reported as a BayeuxTransportException, the
 * retries back off (no storm: no login, at most one handshake), then the session recovers and nothing is lost.
 */
class ServerErrorsIT extends FaultTestSupport {

    @AfterEach
    void clearFaults() {
        emulator().faults().reset();
    }

    @Test
    void http503BacksOffAndRecovers() throws Exception {
        assertBacksOffAndRecovers(() -> emulator().faults().failNextRequests(5, 503), 5, "Http503");
    }

    @Test
    void htmlPagesBackOffAndRecover() throws Exception {
        assertBacksOffAndRecovers(() -> emulator().faults().htmlNextRequests(5), 5, "Html");
    }

    private void assertBacksOffAndRecovers(Runnable fault, int failures, String name) throws Exception {
        String channel = "/topic/" + uniqueName(name);
        route("r", channel, "");
        List<Long> published = new ArrayList<>(emulator().publish(channel, 3, 50));
        assertReceivedExactly("r", published);
        Counters before = emulator().counters();

        long start = System.nanoTime();
        fault.run();
        published.addAll(emulator().publish(channel, 5, 50));
        await().atMost(20, TimeUnit.SECONDS)
                .until(() -> errors.of(BayeuxTransportException.class).size() >= failures);
        long failedForMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertReceivedExactly("r", published);
        // back-off 100 ms doubling up to 500 ms, each delay at least half its ceiling: 50+100+200+250 before the 5th
        assertThat(failedForMs).as("time until the 5th failure").isGreaterThanOrEqualTo(600);
        assertThat(errors.of(BayeuxTransportException.class)).hasSize(failures);
        assertThat(errors.errors).hasSize(failures);
        Counters after = emulator().counters();
        assertThat(after.logins() - before.logins()).as("logins").isZero();
        assertThat(after.handshakes() - before.handshakes()).as("handshakes").isLessThanOrEqualTo(1);
    }
}
