package io.sfstream.camel.pubsub;

import io.sfstream.camel.SfStreamApi;
import io.sfstream.camel.SfStreamComponent;
import io.sfstream.camel.SfStreamConfiguration;
import io.sfstream.emulator.SalesforceEmulator;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * A consumer in a JVM of its own, killed with {@code kill -9} by {@link PubSubCrashIT}: the file store in its default
 * configuration, and every processed event's {@code Seq__c} appended and forced to a file before its exchange
 * completes. Arguments: emulator base URL, Pub/Sub port, channel, marker file, output file, mode (plain|threads).
 */
public final class PubSubCrashApp {

    private PubSubCrashApp() {
    }

    public static void main(String[] args) throws Exception {
        String baseUrl = args[0];
        int port = Integer.parseInt(args[1]);
        String channel = args[2];
        Path markerFile = Path.of(args[3]).toAbsolutePath();
        Path outputFile = Path.of(args[4]).toAbsolutePath();
        String mode = args[5];
        FileChannel output = FileChannel.open(outputFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);

        CamelContext context = new DefaultCamelContext();
        SfStreamComponent component = new SfStreamComponent();
        SfStreamConfiguration config = component.getConfiguration();
        config.setLoginUrl(baseUrl);
        config.setClientId(SalesforceEmulator.CLIENT_ID);
        config.setClientSecret(SalesforceEmulator.CLIENT_SECRET);
        config.setUsername(SalesforceEmulator.USERNAME);
        config.setPassword(SalesforceEmulator.PASSWORD);
        config.setApi(SfStreamApi.PUBSUB);
        config.setPubSubHost("127.0.0.1");
        config.setPubSubPort(port);
        config.setPubSubPlaintext(true);
        context.addComponent("sfstream", component);

        String uri = "sfstream:" + channel + "?replay=ALL_EVENTS&replayStore=" + markerFile;
        Processor record = exchange -> {
            Map<?, ?> payload = (Map<?, ?>) exchange.getMessage().getBody(Map.class).get("payload");
            ByteBuffer line = ByteBuffer.wrap((payload.get("Seq__c") + "\n").getBytes(StandardCharsets.US_ASCII));
            synchronized (output) {
                while (line.hasRemaining()) {
                    output.write(line);
                }
                // durable before the exchange completes, so before its marker can be committed
                output.force(false);
            }
        };
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                if ("threads".equals(mode)) {
                    from(uri).threads(4).process(record);
                } else {
                    from(uri).process(record);
                }
            }
        });
        context.start();
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    static int lines(Path file) {
        try {
            return Files.exists(file) ? (int) Files.readString(file).chars().filter(c -> c == '\n').count() : 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
