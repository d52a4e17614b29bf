package io.sfstream.examples;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.sfstream.camel.SfStreamComponent;
import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Each example route (Java, YAML and XML DSL; Streaming and Pub/Sub API) consumes its channel of the emulator. */
class ExampleRoutesTest extends CamelTestSupport {

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension();

    private final ReplayIdCollector collector = new ReplayIdCollector();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        SalesforceEmulator sf = EMULATOR.emulator();
        SfStreamComponent component = new SfStreamComponent();
        component.getConfiguration().setLoginUrl(sf.baseUrl());
        component.getConfiguration().setClientId(SalesforceEmulator.CLIENT_ID);
        component.getConfiguration().setClientSecret(SalesforceEmulator.CLIENT_SECRET);
        component.getConfiguration().setUsername(SalesforceEmulator.USERNAME);
        component.getConfiguration().setPassword(SalesforceEmulator.PASSWORD);
        component.getConfiguration().setPubSubHost("127.0.0.1");
        component.getConfiguration().setPubSubPort(sf.pubSubPort());
        component.getConfiguration().setPubSubPlaintext(true);
        context.addComponent("sfstream", component);
        context.getManagementStrategy().addEventNotifier(collector);
        return context;
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new ExampleRoutes();
    }

    @Override
    protected void doPostSetup() throws Exception {
        PluginHelper.getRoutesLoader(context).loadRoutes(
            ResourceHelper.resolveMandatoryResource(context, "classpath:routes/low-ink.yaml"),
            ResourceHelper.resolveMandatoryResource(context, "classpath:routes/account-changes.xml"));
    }

    @Test
    void everyDslRouteLogsItsChannel() {
        SalesforceEmulator sf = EMULATOR.emulator();
        assertThat(context.getRoutes()).extracting(r -> r.getRouteId())
            .containsExactlyInAnyOrder("orders", "low-ink", "account-changes", "account-changes-pubsub");
        long order = sf.publish(ExampleRoutes.ORDERS_TOPIC, Map.of("Name", "Order 1"));
        long lowInk = sf.publish(ExampleRoutes.LOW_INK_EVENT, Map.of("Printer_Model__c", "XZO-1"));
        long change = sf.publish(ExampleRoutes.ACCOUNT_CHANGES, Map.of("Name", "Account 1"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(collector.of("orders")).contains(order);
            assertThat(collector.of("low-ink")).contains(lowInk);
            assertThat(collector.of("account-changes")).contains(change);
            assertThat(collector.names("account-changes-pubsub")).contains("Account 1");
        });
        // the Pub/Sub route gets the same change events as the XML route, once each and in order
        assertThat(collector.names("account-changes-pubsub")).containsExactly("Account 1");
        assertThat(collector.of("account-changes-pubsub")).singleElement().isInstanceOf(String.class);
        assertThat(collector.of("orders")).containsExactlyElementsOf(List.copyOf(sf.replayIds(ExampleRoutes.ORDERS_TOPIC)));
    }
}
