package io.sfstream.camel;

import java.util.ArrayList;
import java.util.List;

import io.sfstream.emulator.Counters;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The emulator restarts (every session dropped, event logs and tokens kept): the session resumes, nothing lost. */
class EmulatorRestartIT extends FaultTestSupport {

    @Test
    void resumesAfterRestart() throws Exception {
        String channel = "/event/" + uniqueName("Restart") + "__e";
        route("r", channel, "");
        List<Long> published = new ArrayList<>(emulator().publish(channel, 3, 50));
        assertReceivedExactly("r", published);
        Counters before = emulator().counters();

        emulator().restart();
        published.addAll(emulator().publish(channel, 7, 50));
        assertReceivedExactly("r", published);
        emulator().restart();
        published.addAll(emulator().publish(channel, 2, 50));
        assertReceivedExactly("r", published);
        Counters after = emulator().counters();
        assertThat(after.logins() - before.logins()).as("logins").isZero();
        assertThat(after.handshakes() - before.handshakes()).as("handshakes").isEqualTo(2);
    }
}
