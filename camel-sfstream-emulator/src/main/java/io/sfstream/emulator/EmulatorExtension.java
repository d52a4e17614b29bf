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

    private final SalesforceEmulator emulator;

    /** An emulator with default settings but connects held only 300 ms, so tests stay fast. */
    public EmulatorExtension() {
        this(SalesforceEmulator.builder().connectHold(Duration.ofMillis(300)));
    }

    public EmulatorExtension(SalesforceEmulator.Builder builder) {
        this.emulator = builder.build();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        emulator.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        emulator.close();
    }

    public SalesforceEmulator emulator() {
        return emulator;
    }
}
