package io.sfstream.camel;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Fails a test that logged a secret (a Jupiter extension registered for every test through
 * META-INF/services/org.junit.jupiter.api.extension.Extension and junit-platform.properties), and the whole launcher
 * session when a leak happened after the last test's check (late log lines of session threads).
 */
public final class SecretLeakCheck implements AfterEachCallback, LauncherSessionListener {

    private static volatile int reported;

    @Override
    public void afterEach(ExtensionContext context) {
        if (!installed()) {
            throw new AssertionError("The SecretLeak appender is not active (log4j2-test.xml must declare it and route"
                                     + " io.sfstream and the root logger to it): the secret-leak check cannot run");
        }
        int count = SecretLeakAppender.leakCount();
        if (count > reported) {
            var leaks = SecretLeakAppender.leaks();
            reported = count;
            throw new AssertionError("Secrets or access tokens appeared in the log during or before "
                                     + context.getDisplayName() + ": " + leaks.subList(Math.max(0, leaks.size() - 10), leaks.size()));
        }
    }

    /** Log4j only reports an unknown appender plugin on its status logger: check it really is in place. */
    static boolean installed() {
        var context = (org.apache.logging.log4j.core.LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
        var configuration = context.getConfiguration();
        return configuration.getAppender("secretLeak") instanceof SecretLeakAppender
               && configuration.getLoggerConfig("io.sfstream").getAppenders().containsKey("secretLeak")
               && configuration.getRootLogger().getAppenders().containsKey("secretLeak");
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (SecretLeakAppender.leakCount() > reported) {
            String message = "Secrets or access tokens appeared in the log: " + SecretLeakAppender.leaks();
            System.err.println("[SECRET LEAK] " + message);
            throw new IllegalStateException(message);
        }
    }
}
