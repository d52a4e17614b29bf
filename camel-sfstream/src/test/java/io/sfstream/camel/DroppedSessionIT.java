package io.sfstream.camel;

import io.sfstream.camel.internal.bayeux.BayeuxSession;

import java.util.ArrayList;
import java.util.List;

import io.sfstream.emulator.Counters;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** dropAllSessions: the next connect gets 403::Unknown client; one new handshake, no new login, nothing lost. */
class DroppedSessionIT extends FaultTestSupport {

    @Test
    void droppedSessionRehandshakesWithoutLogin() throws Exception {
        String a = "/topic/" + uniqueName("DroppedA");
        String b = "/topic/" + uniqueName("DroppedB");
        route("a", a, "");
        route("b", b, "");
        List<Long> publishedA = new ArrayList<>(emulator().publish(a, 3, 50));
        List<Long> publishedB = new ArrayList<>(emulator().publish(b, 3, 50));
        assertReceivedExactly("a", publishedA);
        assertReceivedExactly("b", publishedB);
        Counters before = emulator().counters();

        emulator().dropAllSessions();
        publishedA.addAll(emulator().publish(a, 6, 50));
        publishedB.addAll(emulator().publish(b, 4, 50));
        assertReceivedExactly("a", publishedA);
        assertReceivedExactly("b", publishedB);
        Counters after = emulator().counters();
        assertThat(after.handshakes() - before.handshakes()).as("handshakes").isEqualTo(1);
        assertThat(after.logins() - before.logins()).as("logins").isZero();
        BayeuxSession session = context.getComponent("sfstream", SfStreamComponent.class).sessions().sessions().get(0);
        assertThat(session.statistics().reconnects()).isEqualTo(1);
    }
}
