package io.sfstream.camel;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process {@link CrashDurabilityIT} kills: a plain CamelContext (camel-main is not on the classpath) consuming one
 * channel of the emulator with the file replay marker store and every other option at its default, recording every
 * event durably before its exchange completes. Arguments: emulator base URL, channel, marker file, output file, mode
 * ({@code inorder}, {@code threads} for {@code .threads(4)} after the consumer, {@code batch} for maxBatchSize=10).
 * Prints {@code READY} once the route is started; SIGTERM stops the context gracefully (which flushes the marker).
 */
public final class CrashTestApp {

    private static final Logger LOG = LoggerFactory.getLogger(CrashTestApp.class);

    private CrashTestApp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: CrashTestApp <emulatorBaseUrl> <channel> <markerFile> <outputFile> <mode>");
            System.exit(2);
        }
        String baseUrl = args[0];
        String channel = args[1];
        Path markerFile = Path.of(args[2]).toAbsolutePath();
        Path outputFile = Path.of(args[3]).toAbsolutePath();
        String mode = args[4];
        Files.createDirectories(outputFile.getParent());

        // opened once, appended to and forced per event: the route's durable record of what it processed
        FileChannel output = FileChannel.open(outputFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);

        CamelContext context = new DefaultCamelContext();
        context.getShutdownStrategy().setTimeout(15);
        SfStreamComponent component = new SfStreamComponent();
        SfStreamConfiguration config = component.getConfiguration();
        config.setLoginUrl(baseUrl);
        config.setClientId(SalesforceEmulator.CLIENT_ID);
        config.setClientSecret(SalesforceEmulator.CLIENT_SECRET);
        config.setUsername(SalesforceEmulator.USERNAME);
        config.setPassword(SalesforceEmulator.PASSWORD);
        context.addComponent("sfstream", component);

        // what a user writes: the store, and nothing else (no workerId, no strategy, default bounds and intervals)
        String uri = "sfstream:" + channel + "?replayStore=" + markerFile
                     + ("batch".equals(mode) ? "&maxBatchSize=10" : "");
        Processor record = exchange -> {
            StringBuilder lines = new StringBuilder();
            List<?> batch = exchange.getMessage().getHeader(SfStreamConstants.BATCH_HEADERS, List.class);
            if (batch != null) {
                for (Object headers : batch) {
                    lines.append(((Map<?, ?>) headers).get(SfStreamConstants.REPLAY_ID)).append('\n');
                }
            } else {
                lines.append(exchange.getMessage().getHeader(SfStreamConstants.REPLAY_ID, Long.class)).append('\n');
            }
            ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.US_ASCII));
            synchronized (output) {
                while (bytes.hasRemaining()) {
                    output.write(bytes);
                }
                // durable before the exchange completes, so before its marker can be committed
                output.force(false);
            }
            LOG.debug("processed {}", lines.toString().trim().replace('\n', ' '));
        };
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                if ("threads".equals(mode)) {
                    from(uri).routeId("crash").threads(4).process(record);
                } else {
                    from(uri).routeId("crash").process(record);
                }
            }
        });

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                context.stop();
                synchronized (output) {
                    output.close();
                }
                // from the hook: once the hooks are done the JVM halts, maybe before the main thread runs again
                System.out.println("STOPPED");
                System.out.flush();
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "crash-app-shutdown"));

        context.start();
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        while (!stopped.await(1, TimeUnit.HOURS)) {
            // block until SIGTERM
        }
    }
}
