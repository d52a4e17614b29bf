package io.sfstream.examples;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.main.Main;

/**
 * The main job: Camel Main routes consuming a PushTopic, a platform event and a Change Data Capture channel.
 * <p>
 * Without Salesforce credentials in the environment it starts the embedded emulator on loopback and publishes a
 * steady trickle of sample events, so it runs on any machine with a JDK. With {@code SFSTREAM_CLIENT_ID} (and the
 * other {@code SFSTREAM_*} variables, see the README) it consumes a real org instead, with no code change.
 */
public final class SfStreamExample {

    private SfStreamExample() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main(SfStreamExample.class);
        SalesforceEmulator emulator = null;
        ScheduledExecutorService publisher = null;
        if (System.getenv("SFSTREAM_CLIENT_ID") == null) {
            emulator = SalesforceEmulator.builder().port(Integer.getInteger("emulator.port", 0)).build().start();
            System.out.println("No SFSTREAM_CLIENT_ID set: using the embedded Salesforce emulator at " + emulator.baseUrl());
            main.addInitialProperty("camel.component.sfstream.loginUrl", emulator.baseUrl());
            main.addInitialProperty("camel.component.sfstream.clientId", SalesforceEmulator.CLIENT_ID);
            main.addInitialProperty("camel.component.sfstream.clientSecret", SalesforceEmulator.CLIENT_SECRET);
            main.addInitialProperty("camel.component.sfstream.username", SalesforceEmulator.USERNAME);
            main.addInitialProperty("camel.component.sfstream.password", SalesforceEmulator.PASSWORD);
            publisher = trickle(emulator);
        } else {
            copyEnv(main, "SFSTREAM_LOGIN_URL", "loginUrl");
            copyEnv(main, "SFSTREAM_CLIENT_ID", "clientId");
            copyEnv(main, "SFSTREAM_CLIENT_SECRET", "clientSecret");
            copyEnv(main, "SFSTREAM_USERNAME", "username");
            copyEnv(main, "SFSTREAM_PASSWORD", "password");
            copyEnv(main, "SFSTREAM_REFRESH_TOKEN", "refreshToken");
        }
        // ExampleRoutes is found by Camel Main's classpath scan of this package
        try {
            main.run(args);
        } finally {
            if (publisher != null) {
                publisher.shutdownNow();
            }
            if (emulator != null) {
                emulator.close();
            }
        }
    }

    private static void copyEnv(Main main, String variable, String option) {
        String value = System.getenv(variable);
        if (value != null && !value.isBlank()) {
            main.addInitialProperty("camel.component.sfstream." + option, value);
        }
    }

    /** One event a second on each example channel, as a small org would produce them. */
    private static ScheduledExecutorService trickle(SalesforceEmulator emulator) {
        ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "example-publisher");
            thread.setDaemon(true);
            return thread;
        });
        AtomicLong sequence = new AtomicLong();
        publisher.scheduleAtFixedRate(() -> {
            long n = sequence.incrementAndGet();
            emulator.publish(ExampleRoutes.ORDERS_TOPIC, Map.of("Name", "Order " + n, "Amount__c", n * 10));
            emulator.publish(ExampleRoutes.LOW_INK_EVENT, Map.of("Printer_Model__c", "XZO-" + n));
            emulator.publish(ExampleRoutes.ACCOUNT_CHANGES, Map.of("Name", "Account " + n));
        }, 1, 1, TimeUnit.SECONDS);
        return publisher;
    }
}
