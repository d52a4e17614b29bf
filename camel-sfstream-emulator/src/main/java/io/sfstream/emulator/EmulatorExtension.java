package io.sfstream.emulator;

import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension running a {@link SalesforceEmulator} for a test class. Use it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static EmulatorExtension SF = new EmulatorExtension();
 * ... SF.emulator().baseUrl() ...
 * }</pre>
 *
 * <p>The Pub/Sub API runs too: {@code SF.pubSubPort()} (plaintext), {@code SF.pubSubTlsPort()} and
 * {@code SF.emulator().pubSubCertificate()} for TLS clients.</p>
 *
 * <p>As a static field the emulator runs from before the first test to after the last one of the class; as an
 * instance field, one emulator runs per test. Test methods may also declare a {@link SalesforceEmulator}
 * parameter.</p>
 */
public final class EmulatorExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback, ParameterResolver {

    private final SalesforceEmulator emulator;
    private boolean perTest;

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
    public void beforeEach(ExtensionContext context) {
        if (!emulator.isRunning()) {
            // registered on an instance field: beforeAll was not called
            perTest = true;
            emulator.start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            emulator.close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        emulator.close();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == SalesforceEmulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return emulator.start();
    }

    public SalesforceEmulator emulator() {
        return emulator;
    }

    /** The Pub/Sub API's plaintext port on 127.0.0.1. */
    public int pubSubPort() {
        return emulator.pubSubPort();
    }

    /** The Pub/Sub API's TLS port on 127.0.0.1 (certificate: {@code emulator().pubSubCertificate()}). */
    public int pubSubTlsPort() {
        return emulator.pubSubTlsPort();
    }
}
