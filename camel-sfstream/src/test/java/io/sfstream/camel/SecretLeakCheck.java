package io.sfstream.camel;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.sfstream.emulator.EmulatorExtension;
import io.sfstream.emulator.SalesforceEmulator;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.spi.UriParam;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Fails a test that leaked a secret (a Jupiter extension registered for every test through
 * META-INF/services/org.junit.jupiter.api.extension.Extension and junit-platform.properties), and the whole launcher
 * session when a leak happened after the last test's check (late log lines of session threads).
 * <p>
 * Besides the log lines ({@link SecretLeakAppender}) it checks, after the test method while its CamelContext still runs:
 * the value of every {@code secret = true} option of every sfstream component and endpoint (found by reflection, so a
 * new secret option is covered without a change here), the readiness details and last error of every sfstream consumer,
 * and the {@code LastError} JMX attribute of every consumer MBean; after the test: every access and refresh token issued
 * by the emulators the test holds (fields of type {@link SalesforceEmulator} or {@link EmulatorExtension}), and the
 * output of the child JVMs it started ({@link ChildJvm}).
 */
public final class SecretLeakCheck implements AfterTestExecutionCallback, AfterEachCallback, LauncherSessionListener {

    private static volatile int reported;

    @Override
    public void afterTestExecution(ExtensionContext context) {
        for (Object test : context.getRequiredTestInstances().getAllInstances()) {
            if (test instanceof CamelTestSupport camelTest && camelTest.context() != null) {
                checkCamelContext(camelTest.context());
            }
        }
        checkJmxLastErrors();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!installed()) {
            throw new AssertionError("The SecretLeak appender is not active (log4j2-test.xml must declare it and route"
                                     + " io.sfstream and the root logger to it): the secret-leak check cannot run");
        }
        List<String> tokens = new ArrayList<>();
        for (SalesforceEmulator emulator : emulatorsOf(context.getRequiredTestInstances().getAllInstances())) {
            tokens.addAll(emulator.issuedTokens());
        }
        SecretLeakAppender.registerLate("the emulator's issued tokens", tokens);
        ChildJvm.checkLogsForSecrets();
        SecretLeakAppender.forgetRecentWords();
        int count = SecretLeakAppender.leakCount();
        if (count > reported) {
            var leaks = SecretLeakAppender.leaks();
            reported = count;
            throw new AssertionError("Secrets or access tokens appeared in the log or other output during or before "
                                     + context.getDisplayName() + ": "
                                     + leaks.subList(Math.max(0, leaks.size() - 10), leaks.size()));
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

    /** Secret option values, readiness details and last errors of the sfstream components, endpoints and consumers. */
    static void checkCamelContext(CamelContext camel) {
        List<String> optionValues = new ArrayList<>();
        for (String name : camel.getComponentNames()) {
            if (camel.hasComponent(name) instanceof SfStreamComponent component) {
                optionValues.addAll(secretOptionValues(component.getConfiguration()));
            }
        }
        for (Endpoint endpoint : camel.getEndpoints()) {
            if (endpoint instanceof SfStreamEndpoint sfstream) {
                optionValues.addAll(secretOptionValues(sfstream.getConfiguration()));
            }
        }
        SecretLeakAppender.registerLate("the secret options' values", optionValues);
        for (Route route : camel.getRoutes()) {
            if (route.getConsumer() instanceof SfStreamConsumer consumer) {
                String source = "route " + route.getRouteId() + "'s ";
                SecretLeakAppender.check(source + "last error", consumer.getLastError());
                HealthCheck check = consumer.getHealthCheck();
                if (check == null) {
                    // health checks turned off for this consumer: nothing to read
                    continue;
                }
                HealthCheck.Result result = check.call();
                SecretLeakAppender.check(source + "readiness message", result.getMessage().orElse(null),
                        result.getError().orElse(null));
                SecretLeakAppender.check(source + "readiness details", String.valueOf(result.getDetails()));
            }
        }
    }

    /** The value of every {@code @UriParam(secret = true)} field of the configuration. */
    static List<String> secretOptionValues(SfStreamConfiguration configuration) {
        List<String> values = new ArrayList<>();
        for (Field field : SfStreamConfiguration.class.getDeclaredFields()) {
            UriParam param = field.getAnnotation(UriParam.class);
            if (param != null && param.secret()) {
                try {
                    field.setAccessible(true);
                    Object value = field.get(configuration);
                    if (value != null) {
                        values.add(value.toString());
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("Cannot read the secret option " + field.getName(), e);
                }
            }
        }
        return values;
    }

    /** LastError of every Camel consumer MBean (only contexts with JMX enabled register them). */
    static void checkJmxLastErrors() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            Set<ObjectName> names = server.queryNames(new ObjectName("org.apache.camel:type=consumers,*"), null);
            for (ObjectName name : names) {
                Object lastError;
                try {
                    lastError = server.getAttribute(name, "LastError");
                } catch (javax.management.JMException | RuntimeException e) {
                    // not an sfstream consumer, or unregistered meanwhile
                    continue;
                }
                SecretLeakAppender.check("JMX " + name + " LastError", lastError == null ? null : lastError.toString());
            }
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The emulators the test instances hold in fields of their classes (static or not, any visibility). */
    static List<SalesforceEmulator> emulatorsOf(List<Object> testInstances) {
        Map<SalesforceEmulator, Boolean> found = new IdentityHashMap<>();
        for (Object test : testInstances) {
            for (Class<?> type = test.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
                for (Field field : type.getDeclaredFields()) {
                    boolean emulator = SalesforceEmulator.class.isAssignableFrom(field.getType());
                    if (!emulator && !EmulatorExtension.class.isAssignableFrom(field.getType())) {
                        continue;
                    }
                    try {
                        field.setAccessible(true);
                        Object value = field.get(Modifier.isStatic(field.getModifiers()) ? null : test);
                        if (value instanceof SalesforceEmulator e) {
                            found.put(e, true);
                        } else if (value instanceof EmulatorExtension extension) {
                            found.put(extension.emulator(), true);
                        }
                    } catch (IllegalAccessException | RuntimeException e) {
                        throw new IllegalStateException("Cannot read " + field + " for its issued tokens", e);
                    }
                }
            }
        }
        return new ArrayList<>(found.keySet());
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        ChildJvm.checkLogsForSecrets();
        if (SecretLeakAppender.leakCount() > reported) {
            String message = "Secrets or access tokens appeared in the log or other output: " + SecretLeakAppender.leaks();
            System.err.println("[SECRET LEAK] " + message);
            throw new IllegalStateException(message);
        }
    }
}
