package io.sfstream.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.main.Main;

/**
 * The main job: Camel Main routes consuming a PushTopic (Java DSL, {@link ExampleRoutes}), a platform event (YAML DSL,
 * {@code routes/low-ink.yaml}) and a Change Data Capture channel (XML DSL, {@code routes/account-changes.xml}) over the
 * Streaming API, and the same Change Data Capture channel over the Pub/Sub API (Java DSL, {@link ExampleRoutes}).
 * <p>
 * Without Salesforce credentials it starts the embedded emulator on loopback and publishes a steady trickle of sample
 * events, so it runs on any machine with a JDK. The emulator keeps its events in {@code <dir>/emulator} and the routes
 * keep their replay markers in {@code <dir>/emulator-markers.properties} ({@code <dir>} is the system property
 * {@code sfstream.example.dir}, default {@code ~/.sfstream-example}), so stopping the job and running it again resumes
 * after the last event processed, with nothing missed.
 * <p>
 * With credentials ({@code SFSTREAM_CLIENT_ID} and the other {@code SFSTREAM_*} variables, or
 * {@code camel.component.sfstream.clientId} and friends in {@code application.properties}, see the README) it consumes
 * a real org instead, with no code change, keeping markers in {@code <dir>/markers.properties}.
 */
public final class SfStreamExample {

    static final String DIR_PROPERTY = "sfstream.example.dir";

    private SfStreamExample() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main(SfStreamExample.class);
        // ExampleRoutes is found by Camel Main's classpath scan of this package, the YAML and XML routes by
        // camel.main.routes-include-pattern in application.properties
        try (AutoCloseable emulator = prepare(main, exampleDirectory(), Duration.ofSeconds(1))) {
            main.run(args);
        }
    }

    static Path exampleDirectory() {
        return Path.of(System.getProperty(DIR_PROPERTY, System.getProperty("user.home") + "/.sfstream-example"));
    }

    /**
     * Points the sfstream component of {@code main} at a real org when credentials are configured, else at an embedded
     * emulator kept in {@code dir}, publishing one event per {@code interval} on each example channel.
     *
     * @return what stops the emulator and its publisher (nothing to stop with a real org)
     */
    static AutoCloseable prepare(Main main, Path dir, Duration interval) {
        // a stable worker id: after a hard kill (kill -9, a power cut) the next run takes its own lease on the
        // subscriptions back at once instead of waiting leaseDuration for the old one to expire
        main.addInitialProperty("camel.component.sfstream.workerId", "sfstream-example");
        if (realOrgConfigured()) {
            copyEnv(main, "SFSTREAM_LOGIN_URL", "loginUrl");
            copyEnv(main, "SFSTREAM_CLIENT_ID", "clientId");
            copyEnv(main, "SFSTREAM_CLIENT_SECRET", "clientSecret");
            copyEnv(main, "SFSTREAM_USERNAME", "username");
            copyEnv(main, "SFSTREAM_PASSWORD", "password");
            copyEnv(main, "SFSTREAM_REFRESH_TOKEN", "refreshToken");
            main.addInitialProperty("camel.component.sfstream.replayStore", dir.resolve("markers.properties").toString());
            System.out.println("Consuming a real org; replay markers in " + dir.resolve("markers.properties"));
            return () -> { };
        }
        SalesforceEmulator emulator = SalesforceEmulator.builder().port(Integer.getInteger("emulator.port", 0))
            .dataDirectory(dir.resolve("emulator")).build().start();
        Path markers = dir.resolve("emulator-markers.properties");
        System.out.println("No Salesforce credentials configured: using the embedded Salesforce emulator at "
                           + emulator.baseUrl() + "; its events are kept in " + emulator.dataDirectory()
                           + ", replay markers in " + markers + " (delete " + dir + " to start over)");
        main.addInitialProperty("camel.component.sfstream.loginUrl", emulator.baseUrl());
        main.addInitialProperty("camel.component.sfstream.clientId", SalesforceEmulator.CLIENT_ID);
        main.addInitialProperty("camel.component.sfstream.clientSecret", SalesforceEmulator.CLIENT_SECRET);
        main.addInitialProperty("camel.component.sfstream.username", SalesforceEmulator.USERNAME);
        main.addInitialProperty("camel.component.sfstream.password", SalesforceEmulator.PASSWORD);
        main.addInitialProperty("camel.component.sfstream.replayStore", markers.toString());
        // the Pub/Sub route (api=PUBSUB) reaches the emulator's Pub/Sub API, plaintext gRPC on loopback
        main.addInitialProperty("camel.component.sfstream.pubSubHost", "127.0.0.1");
        main.addInitialProperty("camel.component.sfstream.pubSubPort", Integer.toString(emulator.pubSubPort()));
        main.addInitialProperty("camel.component.sfstream.pubSubPlaintext", "true");
        ScheduledExecutorService publisher = trickle(emulator, interval);
        return () -> {
            publisher.shutdownNow();
            publisher.awaitTermination(5, TimeUnit.SECONDS);
            emulator.close();
        };
    }

    /**
     * Whether Salesforce credentials are configured: {@code SFSTREAM_CLIENT_ID}, Camel Main's own
     * {@code CAMEL_COMPONENT_SFSTREAM_CLIENT_ID}, or {@code camel.component.sfstream.clientId} as a system property or
     * in {@code application.properties}.
     */
    static boolean realOrgConfigured() {
        if (notBlank(System.getenv("SFSTREAM_CLIENT_ID")) || notBlank(System.getenv("CAMEL_COMPONENT_SFSTREAM_CLIENT_ID"))
            || notBlank(System.getenv("CAMEL_COMPONENT_SFSTREAM_CLIENTID"))
            || notBlank(System.getProperty("camel.component.sfstream.clientId"))
            || notBlank(System.getProperty("camel.component.sfstream.client-id"))) {
            return true;
        }
        Properties properties = new Properties();
        try (InputStream in = SfStreamExample.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read application.properties", e);
        }
        return notBlank(properties.getProperty("camel.component.sfstream.clientId"))
               || notBlank(properties.getProperty("camel.component.sfstream.client-id"));
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static void copyEnv(Main main, String variable, String option) {
        String value = System.getenv(variable);
        if (notBlank(value)) {
            main.addInitialProperty("camel.component.sfstream." + option, value);
        }
    }

    /** One event per interval on each example channel, as a small org would produce them. */
    private static ScheduledExecutorService trickle(SalesforceEmulator emulator, Duration interval) {
        ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "example-publisher");
            thread.setDaemon(true);
            return thread;
        });
        // numbering goes on across runs: "Order 7" after "Order 6" of the previous run
        AtomicLong sequence = new AtomicLong(emulator.replayIds(ExampleRoutes.ORDERS_TOPIC).size());
        publisher.scheduleAtFixedRate(() -> {
            long n = sequence.incrementAndGet();
            emulator.publish(ExampleRoutes.ORDERS_TOPIC, Map.of("Name", "Order " + n, "Amount__c", n * 10));
            emulator.publish(ExampleRoutes.LOW_INK_EVENT, Map.of("Printer_Model__c", "XZO-" + n));
            emulator.publish(ExampleRoutes.ACCOUNT_CHANGES, Map.of("Name", "Account " + n));
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return publisher;
    }
}
