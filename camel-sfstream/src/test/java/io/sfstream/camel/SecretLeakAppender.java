package io.sfstream.camel;

import io.sfstream.camel.internal.bayeux.NetworkOptionsTest;
import io.sfstream.camel.internal.login.AuthenticationFlowsTest;
import io.sfstream.camel.internal.login.SalesforceLoginTest;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import io.sfstream.emulator.SalesforceEmulator;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginElement;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;

/**
 * Checks every log line of the test JVM (TRACE for io.sfstream, DEBUG for the rest: see log4j2-test.xml), with its
 * stack trace, against every secret the tests configure and every string shaped like a Salesforce access token (the
 * emulator's issued tokens included). A leak is recorded without the secret itself; {@link SecretLeakCheck} fails the
 * test during which it happened, and the launcher session if one happened later.
 */
@Plugin(name = "SecretLeak", category = Core.CATEGORY_NAME, elementType = Appender.ELEMENT_TYPE)
public final class SecretLeakAppender extends AbstractAppender {

    /** Salesforce access tokens: 15-character org id, '!', then the token (the emulator issues the same shape). */
    static final Pattern TOKEN_SHAPE = Pattern.compile("\\b00D[A-Za-z0-9]{12}![A-Za-z0-9._\\-]{20,}");

    private static final Set<String> SECRETS = new LinkedHashSet<>();
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static final AtomicLong CHECKED = new AtomicLong();

    static {
        register(SalesforceEmulator.CLIENT_SECRET, SalesforceEmulator.PASSWORD, SalesforceEmulator.REFRESH_TOKEN);
        SalesforceLoginTest.SECRETS.forEach(SecretLeakAppender::register);
        BayeuxEndpointErrorsTest.SECRETS.forEach(SecretLeakAppender::register);
        AuthenticationFlowsTest.SECRETS.forEach(SecretLeakAppender::register);
        NetworkOptionsTest.SECRETS.forEach(SecretLeakAppender::register);
    }

    private SecretLeakAppender(String name, Filter filter) {
        super(name, filter, null, true, Property.EMPTY_ARRAY);
    }

    @PluginFactory
    public static SecretLeakAppender create(@PluginAttribute("name") String name,
                                            @PluginElement("Filter") Filter filter) {
        return new SecretLeakAppender(name == null ? "secretLeak" : name, filter);
    }

    /** Adds secrets that must never be logged (tests call it for values they generate). */
    static synchronized void register(String... secrets) {
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 6) {
                SECRETS.add(secret);
            }
        }
    }

    static synchronized List<String> secrets() {
        return new ArrayList<>(SECRETS);
    }

    /** The leaks so far, described without the secret: logger, level, which secret (index) and the thread. */
    static List<String> leaks() {
        return List.copyOf(LEAKS);
    }

    static int leakCount() {
        return LEAKS.size();
    }

    static long checkedLines() {
        return CHECKED.get();
    }

    @Override
    public void append(LogEvent event) {
        CHECKED.incrementAndGet();
        StringBuilder text = new StringBuilder(event.getMessage().getFormattedMessage());
        if (event.getThrown() != null) {
            StringWriter trace = new StringWriter();
            event.getThrown().printStackTrace(new PrintWriter(trace));
            text.append('\n').append(trace);
        }
        String line = text.toString();
        List<String> secrets = secrets();
        for (int i = 0; i < secrets.size(); i++) {
            if (line.contains(secrets.get(i))) {
                record(event, "secret #" + i + " (" + secrets.get(i).length() + " chars)");
            }
        }
        if (TOKEN_SHAPE.matcher(line).find()) {
            record(event, "a string shaped like an access token");
        }
    }

    private static void record(LogEvent event, String what) {
        LEAKS.add(event.getLevel() + " " + event.getLoggerName() + " [" + event.getThreadName() + "] logged " + what);
    }
}
