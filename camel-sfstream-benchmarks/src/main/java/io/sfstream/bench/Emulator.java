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

    /** The password of {@link #trustStore()} (PKCS12). */
    static final String TRUST_STORE_PASSWORD = "sfstream-bench";

    private final ChildProcess process;
    private final String baseUrl;
    private final int pubSubTlsPort;
    private final Path trustStore;
    private final HttpClient http = HttpClient.newHttpClient();

    private Emulator(ChildProcess process, String baseUrl, int pubSubTlsPort, Path trustStore) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.pubSubTlsPort = pubSubTlsPort;
        this.trustStore = trustStore;
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
        // then its Pub/Sub API's TLS port and, last, the PEM of its self-signed certificate for localhost
        int tlsPort = -1;
        StringBuilder pem = new StringBuilder();
        String line;
        while ((line = process.awaitText(10_000, "")) != null) {
            Matcher port = Pattern.compile("Pub/Sub API \\(TLS\\)\\s*:\\s*[0-9.]+:(\\d+)").matcher(line);
            if (port.find()) {
                tlsPort = Integer.parseInt(port.group(1));
            }
            if (line.startsWith("-----BEGIN CERTIFICATE") || pem.length() > 0) {
                pem.append(line.strip()).append('\n');
            }
            if (line.startsWith("-----END CERTIFICATE")) {
                break;
            }
        }
        if (tlsPort < 0 || pem.length() == 0) {
            process.close();
            throw new IllegalStateException("the emulator printed no Pub/Sub API TLS port or certificate; see "
                + process.log());
        }
        return new Emulator(process, banner.substring(banner.indexOf("http://")).strip(), tlsPort,
            trustStore(pem.toString(), logDir.resolve("pubsub-trust.p12")));
    }

    /** A PKCS12 trust store holding only the emulator's certificate, for the Pub/Sub variants' javax.net.ssl.trustStore. */
    private static Path trustStore(String pem, Path file) throws IOException {
        try {
            java.security.cert.Certificate certificate = java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("sfstream-emulator", certificate);
            try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
                store.store(out, TRUST_STORE_PASSWORD.toCharArray());
            }
            return file;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot make a trust store of the emulator's certificate", e);
        }
    }

    /** The Pub/Sub API's TLS port on 127.0.0.1 (its certificate is issued for localhost). */
    int pubSubTlsPort() {
        return pubSubTlsPort;
    }

    /** A PKCS12 trust store (password {@link #TRUST_STORE_PASSWORD}) holding the emulator's certificate. */
    Path trustStore() {
        return trustStore;
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
