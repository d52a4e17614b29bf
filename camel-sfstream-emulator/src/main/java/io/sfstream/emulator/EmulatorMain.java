package io.sfstream.emulator;

import java.time.Duration;

/**
 * Runs the emulator standalone: {@code java -jar camel-sfstream-emulator.jar [--port N] [--hold-ms MS]
 * [--session-timeout-ms MS] [--max-events-per-response N] [--channel-must-exist] [--pubsub-port N]
 * [--pubsub-tls-port N] [--pubsub-idle-ms MS] [--pubsub-keepalive-ms MS] [--no-pubsub]}.
 */
public final class EmulatorMain {

    private EmulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        SalesforceEmulator emulator;
        try {
            emulator = run(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (emulator == null) {
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::close, "sf-emulator-shutdown"));
        Thread.currentThread().join();
    }

    /**
     * Parses the options, starts the emulator and prints its URL and the default credentials.
     *
     * @return the running emulator, or null when only the usage was asked for
     * @throws IllegalArgumentException on an unknown option or a missing value
     */
    static SalesforceEmulator run(String[] args, java.io.PrintStream out) {
        SalesforceEmulator.Builder builder = SalesforceEmulator.builder();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--port" -> builder.port(Integer.parseInt(value(args, ++i, a)));
                case "--hold-ms" -> builder.connectHold(Duration.ofMillis(Long.parseLong(value(args, ++i, a))));
                case "--session-timeout-ms" ->
                    builder.sessionTimeout(Duration.ofMillis(Long.parseLong(value(args, ++i, a))));
                case "--max-events-per-response" -> builder.maxEventsPerResponse(Integer.parseInt(value(args, ++i, a)));
                case "--channel-must-exist" -> builder.channelMustExist(true);
                case "--pubsub-port" -> builder.pubSubPort(Integer.parseInt(value(args, ++i, a)));
                case "--pubsub-tls-port" -> builder.pubSubTlsPort(Integer.parseInt(value(args, ++i, a)));
                case "--pubsub-idle-ms" -> builder.pubSubIdleTimeout(Duration.ofMillis(Long.parseLong(value(args, ++i, a))));
                case "--pubsub-keepalive-ms" ->
                    builder.pubSubKeepaliveInterval(Duration.ofMillis(Long.parseLong(value(args, ++i, a))));
                case "--no-pubsub" -> builder.pubSub(false);
                case "-h", "--help" -> {
                    out.println("Usage: java -jar camel-sfstream-emulator.jar [--port N] [--hold-ms MS]"
                        + " [--session-timeout-ms MS] [--max-events-per-response N] [--channel-must-exist]"
                        + " [--pubsub-port N] [--pubsub-tls-port N] [--pubsub-idle-ms MS] [--pubsub-keepalive-ms MS]"
                        + " [--no-pubsub]");
                    return null;
                }
                default -> throw new IllegalArgumentException("Unknown option " + a + " (try --help)");
            }
        }
        SalesforceEmulator emulator = builder.build().start();
        out.println("Salesforce emulator listening on " + emulator.baseUrl());
        out.println("  login URL / instance_url : " + emulator.baseUrl());
        out.println("  token endpoint           : " + emulator.tokenUrl());
        out.println("  Bayeux endpoint          : " + emulator.cometdUrl("62.0"));
        if (emulator.isPubSubRunning()) {
            out.println("Pub/Sub API listening on 127.0.0.1:" + emulator.pubSubPort() + " (plaintext)");
            out.println("  Pub/Sub API (TLS)        : 127.0.0.1:" + emulator.pubSubTlsPort()
                + " (self-signed certificate for localhost below)");
        }
        out.println("  client id                : " + SalesforceEmulator.CLIENT_ID);
        out.println("  client secret            : " + SalesforceEmulator.CLIENT_SECRET);
        out.println("  username                 : " + SalesforceEmulator.USERNAME);
        out.println("  password                 : " + SalesforceEmulator.PASSWORD);
        out.println("  refresh token            : " + SalesforceEmulator.REFRESH_TOKEN);
        out.println("  admin API                : " + emulator.baseUrl() + "/admin/counters, "
            + "POST /admin/publish?channel=/topic/X&count=10&payloadBytes=200, ...");
        if (emulator.isPubSubRunning()) {
            out.print(emulator.pubSubCertificatePem());
        }
        out.flush();
        return emulator;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException("Missing value for " + option);
        }
        return args[i];
    }
}
