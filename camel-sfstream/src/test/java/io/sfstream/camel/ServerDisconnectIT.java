package io.sfstream.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.sfstream.emulator.Counters;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A server /meta/disconnect: reported, handshake again after a back-off (no new login), nothing lost. */
class ServerDisconnectIT extends FaultTestSupport {

    @Test
    void serverDisconnectHandshakesAgain() throws Exception {
        String channel = "/topic/" + uniqueName("ServerDisconnect");
        route("r", channel, "");
        List<Long> published = new ArrayList<>(emulator().publish(channel, 3, 50));
        assertReceivedExactly("r", published);
        Counters before = emulator().counters();

        emulator().sendServerDisconnect();
        await().atMost(10, TimeUnit.SECONDS).until(() -> !errors.errors.isEmpty());
        published.addAll(emulator().publish(channel, 5, 50));
        assertReceivedExactly("r", published);
        Counters after = emulator().counters();
        assertThat(after.handshakes() - before.handshakes()).as("handshakes").isEqualTo(1);
        assertThat(after.logins() - before.logins()).as("logins").isZero();
        assertThat(errors.errors).hasSize(1);
        assertThat(errors.errors.get(0).getMessage()).contains("/meta/disconnect");
    }
}
