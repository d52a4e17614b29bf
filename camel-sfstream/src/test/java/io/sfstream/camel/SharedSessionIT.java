package io.sfstream.camel;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.sfstream.emulator.Counters;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two routes on two channels with the same credentials ride one Bayeux session: one login, one handshake, one live
 * session on the server, and stopping one route unsubscribes only its channel.
 */
class SharedSessionIT extends EmulatorTestSupport {

    @Test
    void twoRoutesShareOneBayeuxSession() throws Exception {
        String orders = "/topic/" + uniqueName("SharedOrders");
        String invoices = "/event/" + uniqueName("SharedInvoice") + "__e";
        Counters before = emulator().counters();

        context.addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + orders).routeId("orders").to("mock:orders");
                from("sfstream:" + invoices).routeId("invoices").to("mock:invoices");
            }
        });
        await().atMost(15, TimeUnit.SECONDS).until(() -> {
            Counters now = emulator().counters();
            return now.subscriptionsPerChannel().getOrDefault(orders, 0) == 1
                   && now.subscriptionsPerChannel().getOrDefault(invoices, 0) == 1;
        });
        Counters after = emulator().counters();
        assertThat(after.handshakes() - before.handshakes()).as("handshakes").isEqualTo(1);
        assertThat(after.logins() - before.logins()).as("logins").isEqualTo(1);
        assertThat(after.liveSessions()).as("live sessions on the server").isEqualTo(before.liveSessions() + 1);

        MockEndpoint ordersMock = getMockEndpoint("mock:orders");
        MockEndpoint invoicesMock = getMockEndpoint("mock:invoices");
        // expectations before the publish: an event may reach the route before the next line runs
        ordersMock.expectedMessageCount(4);
        invoicesMock.expectedMessageCount(3);
        List<Long> orderIds = emulator().publish(orders, 4, 100);
        List<Long> invoiceIds = emulator().publish(invoices, 3, 100);
        MockEndpoint.assertIsSatisfied(20, TimeUnit.SECONDS, ordersMock, invoicesMock);
        assertThat(replayIdsOf(ordersMock)).containsExactlyElementsOf(orderIds);
        assertThat(replayIdsOf(invoicesMock)).containsExactlyElementsOf(invoiceIds);

        context.getRouteController().stopRoute("orders");
        await().atMost(15, TimeUnit.SECONDS)
                .until(() -> emulator().counters().subscriptionsPerChannel().getOrDefault(orders, 0) == 0);
        Counters stopped = emulator().counters();
        assertThat(stopped.subscriptionsPerChannel().getOrDefault(invoices, 0)).isEqualTo(1);
        assertThat(stopped.liveSessions()).isEqualTo(after.liveSessions());
        assertThat(stopped.handshakes()).isEqualTo(after.handshakes());

        invoicesMock.reset();
        invoicesMock.expectedMessageCount(2);
        emulator().publish(invoices, 2, 100);
        invoicesMock.assertIsSatisfied(TimeUnit.SECONDS.toMillis(20));
    }
}
