package io.sfstream.camel;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The secret-leak check itself can fail: each test leaks on purpose through one of the paths it watches, sees the leak
 * recorded, and removes it again so that {@link SecretLeakCheck} does not fail this test.
 */
class SecretLeakCheckTest {

    private static final Logger LOG = LogManager.getLogger("io.sfstream.camel.SecretLeakCheckTest");

    private int before;

    @BeforeEach
    void countLeaks() {
        before = SecretLeakAppender.leakCount();
    }

    @AfterEach
    void forgetProvokedLeaks() {
        SecretLeakAppender.takeLeaksAfter(before);
    }

    private List<String> provoked() {
        return SecretLeakAppender.takeLeaksAfter(before);
    }

    @Test
    void theClientIdAndTheUserNameAreSecretsToo() {
        LOG.debug("client {}", SalesforceEmulator.CLIENT_ID);
        LOG.trace("user {}", SalesforceEmulator.USERNAME);
        assertThat(provoked()).hasSize(2).allSatisfy(leak -> assertThat(leak).contains("SecretLeakCheckTest"));
    }

    @Test
    void aSecretOptionValueSetByATestIsCheckedAgainstWhatWasLoggedBefore() throws Exception {
        String generated = "proxy-" + UUID.randomUUID();
        LOG.info("connecting through the proxy with password={}&x", generated);
        assertThat(provoked()).as("not known yet").isEmpty();
        try (CamelContext camel = new DefaultCamelContext()) {
            SfStreamComponent component = new SfStreamComponent();
            component.getConfiguration().setClientId(SalesforceEmulator.CLIENT_ID);
            component.getConfiguration().setClientSecret(SalesforceEmulator.CLIENT_SECRET);
            component.getConfiguration().setUsername(SalesforceEmulator.USERNAME);
            component.getConfiguration().setPassword(SalesforceEmulator.PASSWORD);
            camel.addComponent("sfstream", component);
            camel.getEndpoint("sfstream:/topic/Leak?proxyHost=localhost&proxyPort=3128&proxyUsername=proxy-user-name&proxyPassword=" + generated);
            SecretLeakCheck.checkCamelContext(camel);
        }
        assertThat(provoked()).singleElement().asString().contains("the secret options' values");
        LOG.info("and again: {}", generated);
        assertThat(provoked()).as("checked as logged from now on").hasSize(1);
    }

    @Test
    void anExceptionHandedToTheExceptionHandler() {
        new RecordingExceptionHandler().handleException("login failed",
                new IllegalStateException("refused", new RuntimeException("password " + SalesforceEmulator.PASSWORD)));
        assertThat(provoked()).singleElement().asString().contains("exception handler");
    }

    @Test
    void theOutputOfAChildJvm(@TempDir Path dir) throws Exception {
        try (SalesforceEmulator emulator = SalesforceEmulator.builder().build().start()) {
            String token = emulator.issueAccessToken();
            Process child = ChildJvm.start(Echo.class, "32m", null, dir.resolve("child.log"), "token " + token);
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            try {
                ChildJvm.assertNoSecretsInLogs(emulator);
                throw new IllegalStateException("no leak found in the child's output");
            } catch (AssertionError expected) {
                assertThat(expected).hasMessageContaining("child JVM log");
            }
            assertThat(provoked()).isNotEmpty().allSatisfy(leak -> assertThat(leak).contains("child JVM log"));
        }
    }

    /** A child JVM that prints its arguments. */
    public static final class Echo {
        public static void main(String[] args) {
            System.out.println(String.join(" ", args));
        }
    }
}
