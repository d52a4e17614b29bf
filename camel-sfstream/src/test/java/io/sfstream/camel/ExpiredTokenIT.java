package io.sfstream.camel;

import java.util.ArrayList;
import java.util.List;

import io.sfstream.emulator.Counters;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * expireTokens: the next Bayeux requests get 401::Authentication invalid. The session logs in once (single flight, even
 * when the connect and a subscribe both get the 401), handshakes, resubscribes, and loses no event.
 */
class ExpiredTokenIT extends FaultTestSupport {

    @Test
    void expiredTokenMeansExactlyOneLogin() throws Exception {
        String a = "/topic/" + uniqueName("ExpiredA");
        String b = "/event/" + uniqueName("ExpiredB") + "__e";
        route("a", a, "");
        route("b", b, "");
        Counters before = emulator().counters();

        emulator().expireTokens();
        List<Long> publishedA = new ArrayList<>(emulator().publish(a, 5, 50));
        List<Long> publishedB = new ArrayList<>(emulator().publish(b, 4, 50));
        assertReceivedExactly("a", publishedA);
        assertReceivedExactly("b", publishedB);
        Counters after = emulator().counters();
        assertThat(after.logins() - before.logins()).as("logins").isEqualTo(1);
        assertThat(after.handshakes() - before.handshakes()).as("handshakes").isEqualTo(1);
    }

    @Test
    void concurrent401sOnConnectAndSubscribeShareOneLogin() throws Exception {
        String a = "/topic/" + uniqueName("SingleFlightA");
        String c = "/topic/" + uniqueName("SingleFlightC");
        route("a", a, "");
        Counters before = emulator().counters();

        // the held connect and the subscribe of the new route both meet the expired token
        emulator().expireTokens();
        context.addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + c + "?exceptionHandler=#errors&" + FAST_RETRY).routeId("c").to("mock:c");
            }
        });
        awaitSubscribed(c);
        // route a took no event yet, so its new session resubscribes it with every retained event: wait for that resubscription
        // before publishing. The old session keeps its subscription until it expires (a 401 does not end it on the server),
        // so the new one shows as a second subscriber.
        org.awaitility.Awaitility.await().atMost(20, java.util.concurrent.TimeUnit.SECONDS)
                .until(() -> emulator().counters().subscriptions(a) == 2);
        List<Long> publishedA = emulator().publish(a, 3, 50);
        List<Long> publishedC = emulator().publish(c, 3, 50);
        assertReceivedExactly("a", publishedA);
        assertReceivedExactly("c", publishedC);
        Counters after = emulator().counters();
        assertThat(after.logins() - before.logins()).as("logins").isEqualTo(1);
        assertThat(after.handshakes() - before.handshakes()).as("handshakes").isEqualTo(1);
        // one back-off for the outage, reported once to each of the two consumers, however many requests met the 401
        assertThat(errors.errors.stream().filter(e -> String.valueOf(e.getMessage()).contains("401")).count())
                .as("reports of the rejected token").isBetween(1L, 2L);
    }
}
