package io.sfstream.camel.springboot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.sfstream.camel.BodyType;
import io.sfstream.camel.SfStreamComponent;
import io.sfstream.camel.springboot.app.OrdersApplication;
import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Spring Boot application (embedded Tomcat, actuator) whose sfstream options are only in application.properties
 * consumes from the emulator, and its readiness probe, asked over HTTP, refuses traffic (HTTP 503, OUT_OF_SERVICE)
 * while the emulator is stopped and is UP once it runs again; events published after the outage arrive.
 */
@SpringBootTest(classes = OrdersApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "server.address=127.0.0.1")
class SpringBootReadinessIT {

    /** The emulator keeps its events on disk, so that they survive its stop and start like Salesforce's. */
    private static final Path EMULATOR_DATA = temporaryDirectory();

    @RegisterExtension
    static final EmulatorExtension EMULATOR = new EmulatorExtension(
        SalesforceEmulator.builder().connectHold(Duration.ofMillis(300)).dataDirectory(EMULATOR_DATA));

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void emulatorUrl(DynamicPropertyRegistry registry) {
        registry.add("emulator.url", () -> EMULATOR.emulator().start().baseUrl());
    }

    @LocalServerPort
    int port;

    @Autowired
    CamelContext camelContext;

    @Autowired
    OrdersApplication.ReceivedEvents received;

    @Test
    void consumesWithPropertiesOnlyAndReadinessFollowsAnOutage() throws Exception {
        SalesforceEmulator emulator = EMULATOR.emulator();
        SfStreamComponent component = camelContext.getComponent("sfstream", SfStreamComponent.class);
        assertThat(component.getConfiguration().getMaxPendingCount()).isEqualTo(42);
        assertThat(component.getConfiguration().getBodyType()).isEqualTo(BodyType.JSON_NODE);
        assertThat(component.getConfiguration().getConnectionTimeout()).isEqualTo(Duration.ofSeconds(1));

        List<Long> published = emulator.publish("/topic/SpringOrders", 3, 50);
        await().atMost(20, TimeUnit.SECONDS).until(() -> received.replayIds().containsAll(published));
        await().atMost(20, TimeUnit.SECONDS).until(() -> readiness().statusCode() == 200);
        assertThat(readiness().body()).contains("\"status\":\"UP\"");

        // an outage: the emulator stops listening (connections refused), then starts again on the same port
        emulator.close();
        try {
            await().atMost(30, TimeUnit.SECONDS).until(() -> readiness().statusCode() == 503);
            // Spring's readiness state REFUSING_TRAFFIC: status OUT_OF_SERVICE, HTTP 503
            assertThat(readiness().body()).contains("\"camelReadinessState\":{\"status\":\"OUT_OF_SERVICE\"}");
        } finally {
            emulator.start();
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> readiness().statusCode() == 200);

        List<Long> after = emulator.publish("/topic/SpringOrders", 2, 50);
        await().atMost(20, TimeUnit.SECONDS).until(() -> received.replayIds().containsAll(after));
    }

    private static Path temporaryDirectory() {
        try {
            Path directory = Files.createTempDirectory("sfstream-spring-boot-emulator");
            directory.toFile().deleteOnExit();
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void deleteEmulatorData() throws IOException {
        try (Stream<Path> paths = Files.walk(EMULATOR_DATA)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private HttpResponse<String> readiness() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
            .timeout(Duration.ofSeconds(10)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
