package io.sfstream.quarkus.example;

import java.time.Duration;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.sfstream.emulator.SalesforceEmulator;

/** Starts the Salesforce emulator on a free loopback port before the application and gives it its address. */
public class EmulatorResource implements QuarkusTestResourceLifecycleManager {

    static volatile SalesforceEmulator emulator;

    @Override
    public Map<String, String> start() {
        // Bayeux only: Quarkus's platform manages protobuf and gRPC to its own versions, on which the emulator's
        // generated Pub/Sub classes do not load, and this example consumes over the Streaming API
        emulator = SalesforceEmulator.builder().connectHold(Duration.ofMillis(300)).pubSub(false).build().start();
        return Map.of(
            "SF_LOGIN_URL", emulator.baseUrl(),
            "SF_CLIENT_ID", SalesforceEmulator.CLIENT_ID,
            "SF_CLIENT_SECRET", SalesforceEmulator.CLIENT_SECRET,
            "SF_USERNAME", SalesforceEmulator.USERNAME,
            "SF_PASSWORD", SalesforceEmulator.PASSWORD);
    }

    @Override
    public void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }
}
