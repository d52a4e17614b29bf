package io.sfstream.camel;

import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The consumer's attributes read through the platform MBean server. */
class JmxAttributesIT extends EmulatorTestSupport {

    @Override
    protected boolean useJmx() {
        return true;
    }

    @Test
    void consumerAttributes() throws Exception {
        String channel = "/event/" + uniqueName("Jmx") + "__e";
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?replay=ALL_EVENTS&replayCommitInterval=100ms&workerId=jmx-worker")
                    .routeId("jmx")
                    .to("mock:jmx");
            }
        });
        getMockEndpoint("mock:jmx").expectedMessageCount(3);
        var ids = emulator().publish(channel, 3, 50);
        getMockEndpoint("mock:jmx").assertIsSatisfied(20_000);

        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = server.queryNames(new ObjectName("org.apache.camel:type=consumers,*"), null);
        ObjectName name = names.stream().filter(n -> n.getKeyProperty("name").contains("SfStreamConsumer"))
            .findFirst().orElseThrow(() -> new AssertionError("no sfstream consumer MBean in " + names));
        long last = ids.get(2);
        await().atMost(10, TimeUnit.SECONDS)
            .until(() -> Long.valueOf(last).equals(server.getAttribute(name, "LastCommittedReplayId")));
        assertThat(server.getAttribute(name, "SessionState")).isEqualTo("CONNECTED");
        assertThat(server.getAttribute(name, "Channel")).isEqualTo(channel);
        assertThat(server.getAttribute(name, "PendingCount")).isEqualTo(0);
        assertThat(server.getAttribute(name, "LastReceivedReplayId")).isEqualTo(last);
        // the same positions as text, as the CamelSfStreamReplayId header and the store show them
        assertThat(server.getAttribute(name, "LastReceivedPosition")).isEqualTo(Long.toString(last));
        assertThat(server.getAttribute(name, "LastCommittedPosition")).isEqualTo(Long.toString(last));
        assertThat((Long) server.getAttribute(name, "Logins")).isGreaterThanOrEqualTo(1L);
        assertThat((Long) server.getAttribute(name, "Handshakes")).isGreaterThanOrEqualTo(1L);
        assertThat((Long) server.getAttribute(name, "Reconnects")).isGreaterThanOrEqualTo(0L);
        assertThat(server.getAttribute(name, "StateSince")).isNotNull();
        assertThat(server.getAttribute(name, "LastError")).isNull();
        assertThat(server.getAttribute(name, "LastErrorSince")).isNull();
        assertThat(server.getAttribute(name, "ConnectionTimedOut")).isEqualTo(false);
        // the in-memory default store is atomic: the consumer holds a lease on its subscription
        assertThat(server.getAttribute(name, "WorkerId")).isEqualTo("jmx-worker");
        assertThat(server.getAttribute(name, "Strategy")).isEqualTo("OPEN_IF_FREE");
        assertThat(server.getAttribute(name, "LeaseState")).isEqualTo("HOLDING");
        assertThat(server.getAttribute(name, "LeaseHolder")).isEqualTo("jmx-worker");
    }

    @Test
    void lastErrorOfARefusedLoginShowsNoCredential() throws Exception {
        String wrongPassword = "wrong-password-" + System.nanoTime();
        SecretLeakAppender.register(wrongPassword);
        String channel = "/event/" + uniqueName("JmxError") + "__e";
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:" + channel + "?password=" + wrongPassword + "&workerId=jmx-refused"
                     + "&timeToWaitBeforeConnectionRetry=100ms&maxReconnectDelay=500ms")
                    .routeId("refused").to("mock:refused");
            }
        });
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = server.queryNames(new ObjectName("org.apache.camel:type=consumers,*"), null).stream()
            .filter(n -> n.getKeyProperty("name").contains("SfStreamConsumer")).findFirst().orElseThrow();
        await().atMost(20, TimeUnit.SECONDS).until(() -> server.getAttribute(name, "LastError") != null);
        String lastError = (String) server.getAttribute(name, "LastError");
        SecretLeakAppender.check("JMX LastError", lastError);
        assertThat(lastError).isNotBlank().doesNotContain(wrongPassword)
            .doesNotContain(io.sfstream.emulator.SalesforceEmulator.CLIENT_SECRET);
    }
}
