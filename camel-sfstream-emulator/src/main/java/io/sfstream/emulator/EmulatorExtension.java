package io.sfstream.emulator;

import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension running a {@link SalesforceEmulator} for a test class. Use it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static EmulatorExtension SF = new EmulatorExtension();
 * ... SF.emulator().baseUrl() ...
 * }</pre>
 */
public final class EmulatorExtension implements BeforeAllCallback, AfterAllCallback {

    private final SalesforceEmulator.Builder builder;
    // volatile: built in beforeAll, read by test threads; a fresh emulator per test class, even when a base class
    // holds the extension, so no class sees another's sessions, faults or events
    private volatile SalesforceEmulator emulator;

    /** An emulator with default settings but connects held only 300 ms, so tests stay fast. */
    public EmulatorExtension() {
        this(SalesforceEmulator.builder().connectHold(Duration.ofMillis(300)));
    }

    public EmulatorExtension(SalesforceEmulator.Builder builder) {
        this.builder = builder;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        emulator = builder.build().start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        SalesforceEmulator running = emulator;
        if (running != null) {
            running.close();
        }
    }

    public SalesforceEmulator emulator() {
        SalesforceEmulator running = emulator;
        if (running == null) {
            throw new IllegalStateException("The emulator starts in beforeAll: register the extension on a static field");
        }
        return running;
    }
}
