package io.sfstream.camel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.sfstream.emulator.Counters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** 503:: on /meta/subscribe: that channel alone is retried after a back-off; the other channel of the session goes on. */
class SubscribeUnavailableIT extends FaultTestSupport {

    @AfterEach
    void clearFaults() {
        emulator().faults().reset();
    }

    @Test
    void unavailableSubscribeIsRetriedForThatChannelAlone() throws Exception {
        String a = "/topic/" + uniqueName("SubscribeOk");
        String b = "/topic/" + uniqueName("SubscribeBusy");
        route("a", a, "");
        Counters before = emulator().counters();

        emulator().faults().failNextSubscribes(2, "503::Server is too busy");
        context.addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + b + "?exceptionHandler=#errors&" + FAST_RETRY).routeId("b").to("mock:b");
            }
        });
        List<Long> publishedA = new ArrayList<>(emulator().publish(a, 4, 50));
        assertReceivedExactly("a", publishedA);
        awaitSubscribed(b);
        List<SubscriptionException> refused = errors.of(SubscriptionException.class);
        assertThat(refused).hasSize(2).allSatisfy(e -> {
            assertThat(e.getChannel()).isEqualTo(b);
            assertThat(e.getMessage()).contains("503::");
        });
        List<Long> publishedB = emulator().publish(b, 3, 50);
        publishedA.addAll(emulator().publish(a, 2, 50));
        assertReceivedExactly("b", publishedB);
        assertReceivedExactly("a", publishedA);
        Counters after = emulator().counters();
        assertThat(after.handshakes()).isEqualTo(before.handshakes());
        assertThat(after.logins()).isEqualTo(before.logins());
        await().atMost(5, TimeUnit.SECONDS).until(() -> emulator().counters().subscriptions(b) == 1);
        assertThat(errors.errors).hasSize(2);
    }
}
