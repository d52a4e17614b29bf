package io.sfstream.emulator;

import java.time.Duration;

/**
 * Runs the emulator standalone: {@code java -jar camel-sfstream-emulator.jar [--port N] [--hold-ms MS]
 * [--session-timeout-ms MS] [--max-events-per-response N] [--channel-must-exist]}.
 */
public final class EmulatorMain {

    private EmulatorMain() {
    }

    public static void main(String[] args) throws Exception {
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
                case "-h", "--help" -> {
                    System.out.println("Usage: java -jar camel-sfstream-emulator.jar [--port N] [--hold-ms MS]"
                        + " [--session-timeout-ms MS] [--max-events-per-response N] [--channel-must-exist]");
                    return;
                }
                default -> {
                    System.err.println("Unknown option " + a + " (try --help)");
                    System.exit(2);
                }
            }
        }
        SalesforceEmulator emulator = builder.build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::close, "sf-emulator-shutdown"));
        System.out.println("Salesforce emulator listening on " + emulator.baseUrl());
        System.out.println("  login URL / instance_url : " + emulator.baseUrl());
        System.out.println("  token endpoint           : " + emulator.tokenUrl());
        System.out.println("  Bayeux endpoint          : " + emulator.cometdUrl("62.0"));
        System.out.println("  client id                : " + SalesforceEmulator.CLIENT_ID);
        System.out.println("  client secret            : " + SalesforceEmulator.CLIENT_SECRET);
        System.out.println("  username                 : " + SalesforceEmulator.USERNAME);
        System.out.println("  password                 : " + SalesforceEmulator.PASSWORD);
        System.out.println("  refresh token            : " + SalesforceEmulator.REFRESH_TOKEN);
        System.out.println("  admin API                : " + emulator.baseUrl() + "/admin/counters, "
            + "POST /admin/publish?channel=/topic/X&count=10&payloadBytes=200, ...");
        System.out.flush();
        Thread.currentThread().join();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            System.err.println("Missing value for " + option);
            System.exit(2);
        }
        return args[i];
    }
}
