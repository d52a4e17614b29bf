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
        int count = SecretLeakAppender.leakCount();
        if (count > reported) {
            var leaks = SecretLeakAppender.leaks();
            reported = count;
            throw new AssertionError("Secrets or access tokens appeared in the log during or before "
                                     + context.getDisplayName() + ": " + leaks.subList(Math.max(0, leaks.size() - 10), leaks.size()));
        }
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
