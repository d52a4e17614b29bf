package io.sfstream.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Salesforce emulator in a JVM of its own on loopback (the standalone EmulatorMain), driven through its admin
 * HTTP API. Its default retention (2,000,000 events per channel) holds every backlog the benchmark publishes.
 */
final class Emulator implements AutoCloseable {

    private final ChildProcess process;
    private final String baseUrl;
    private final HttpClient http = HttpClient.newHttpClient();

    private Emulator(ChildProcess process, String baseUrl) {
        this.process = process;
        this.baseUrl = baseUrl;
    }

    static Emulator start(Classpaths classpaths, Path logDir) throws IOException, InterruptedException {
        // 1,000,000 retained events of ~500 bytes need ~0.7 GB of heap
        ChildProcess process = ChildProcess.start(List.of("-Xms1g", "-Xmx3g",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), classpaths.full(),
            "io.sfstream.emulator.EmulatorMain", List.of("--port", "0"), logDir.resolve("emulator.log"));
        String banner = process.awaitText(60_000, "listening on ");
        if (banner == null) {
            process.close();
            throw new IllegalStateException("the emulator did not start; see " + process.log());
        }
        return new Emulator(process, banner.substring(banner.indexOf("http://")).strip());
    }

    String baseUrl() {
        return baseUrl;
    }

    /** Publishes {@code count} events of about {@code payloadBytes} on a channel. */
    void publish(String channel, int count, int payloadBytes) throws IOException, InterruptedException {
        post("/admin/publish?channel=" + channel + "&count=" + count + "&payloadBytes=" + payloadBytes);
    }

    /** Live subscribers of a channel. */
    int subscriptions(String channel) throws IOException, InterruptedException {
        String counters = get("/admin/counters");
        Matcher m = Pattern.compile("\"" + Pattern.quote(channel) + "\"\\s*:\\s*(\\d+)").matcher(counters);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private String post(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofMinutes(5))
            .POST(HttpRequest.BodyPublishers.noBody()).build();
        return check(http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
            .GET().build();
        return check(http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    private static String check(HttpResponse<String> response) throws IOException {
        if (response.statusCode() != 200) {
            throw new IOException("emulator admin API answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    double peakRssMb() {
        return process.peakRssMb();
    }

    @Override
    public void close() {
        process.terminate();
    }
}
