package io.sfstream.camel.internal.delivery;

import io.sfstream.camel.internal.transport.SharedMappers;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up work that no option changes, done once per JVM on a short-lived thread as soon as the component is built,
 * so that it overlaps with Camel's own start instead of following it on the thread that starts the route (the idea of
 * Spring Boot's BackgroundPreinitializer). On a cold JVM (camel-sfstream-benchmarks, start-up) the first ObjectMapper
 * cost about 190 ms (some 500 Jackson classes) and the JDK's TLS set-up for the first HttpClient 100 to 200 ms
 * (TLS classes, cipher suites, the default trust store parsed), both on the thread starting the route. Overlapped,
 * the first event came about 80 ms sooner (median, 2 cores): not the full amount, because class loading and the JIT
 * compiler threads already keep the second core partly busy.
 * <p>
 * Everything here only fills caches; nothing depends on it having run or finished. Whoever needs a class first
 * initializes it or waits for the initialization under way, so the work is never done twice. The TLS warm-up never
 * creates or freezes the JDK's default SSLContext (whose trust store follows the javax.net.ssl system properties when
 * it is first created): it initializes a private context, which parses the trust store the properties name now into
 * the JDK's trust store cache; the default context, created later by the session's HttpClient, takes the cached
 * certificates only when the properties still name the same unchanged file.
 */
public final class BackgroundPreload {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundPreload.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    /** What the first requests of a session look like: their parsing and writing classes are loaded here. */
    private static final byte[] SAMPLE = ("[{\"channel\":\"/meta/handshake\",\"id\":\"1\",\"successful\":true,"
                                          + "\"clientId\":\"x\",\"ext\":{\"replay\":true},\"advice\":{\"timeout\":0,"
                                          + "\"interval\":0},\"data\":{\"event\":{\"replayId\":1}}}]")
            .getBytes(StandardCharsets.UTF_8);
    /**
     * Keeps the parsed trust store strongly reachable: the JDK's trust store cache holds it only weakly, so a garbage
     * collection before the session's HttpClient creates the default context would lose it. The default context then
     * holds the same certificates, so this costs only the small context object.
     */
    @SuppressWarnings("unused")
    private static volatile SSLContext warmTls;

    private BackgroundPreload() {
    }

    /** Starts the warm-up unless it ran in this JVM already. */
    public static void start(CamelContext camelContext) {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread thread = camelContext != null
                ? camelContext.getExecutorServiceManager().newThread("SfStreamPreload", BackgroundPreload::run)
                : new Thread(BackgroundPreload::run, "SfStreamPreload");
        thread.setDaemon(true);
        thread.start();
    }

    /** @return whether both parts ran to the end (failures are harmless and only logged, so tests ask this) */
    public static boolean run() {
        long start = System.nanoTime();
        boolean complete = true;
        try {
            // first what the starting thread needs first: the mappers (consumer start), then TLS (session creation)
            ObjectMapper json = SharedMappers.protocol();
            SharedMappers.bodies();
            JsonNode sample = json.readTree(SAMPLE);
            json.writeValueAsBytes(sample);
        } catch (Exception | LinkageError e) {
            LOG.debug("Jackson warm-up failed (harmless, the first use does it): {}", e.toString());
            complete = false;
        }
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, null, null);
            tls.getDefaultSSLParameters();
            warmTls = tls;
        } catch (Exception | LinkageError e) {
            LOG.debug("TLS warm-up failed (harmless, the first HttpClient does it): {}", e.toString());
            complete = false;
        }
        LOG.debug("Start-up warm-up done in {} ms", (System.nanoTime() - start) / 1_000_000);
        return complete;
    }
}
