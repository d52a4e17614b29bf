package io.sfstream.camel;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process {@link CrashDurabilityIT} kills: a plain CamelContext (camel-main is not on the classpath) consuming one
 * channel of the emulator with the file replay marker store, recording every event durably before its exchange
 * completes. Arguments: emulator base URL, channel, marker file, output file. Prints {@code READY} once the route is
 * started; SIGTERM stops the context gracefully (which flushes the marker).
 */
public final class CrashTestApp {

    private static final Logger LOG = LoggerFactory.getLogger(CrashTestApp.class);

    private CrashTestApp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: CrashTestApp <emulatorBaseUrl> <channel> <markerFile> <outputFile>");
            System.exit(2);
        }
        String baseUrl = args[0];
        String channel = args[1];
        Path markerFile = Path.of(args[2]).toAbsolutePath();
        Path outputFile = Path.of(args[3]).toAbsolutePath();
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

        String uri = "sfstream:" + channel + "?replay=ALL_EVENTS&replayStore=" + markerFile
                     + "&maxPendingCount=50&replayCommitInterval=200ms"
                     // a stable worker id: the app restarted after kill -9 takes its own lease back at once
                     + "&workerId=crash-test-app";
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("crash").process(exchange -> {
                    long replayId = exchange.getMessage().getHeader(SfStreamConstants.REPLAY_ID, Long.class);
                    ByteBuffer line = ByteBuffer.wrap((replayId + "\n").getBytes(StandardCharsets.US_ASCII));
                    synchronized (output) {
                        while (line.hasRemaining()) {
                            output.write(line);
                        }
                        // durable before the exchange completes, so before its marker can be committed
                        output.force(false);
                    }
                    LOG.debug("processed {}", replayId);
                });
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
