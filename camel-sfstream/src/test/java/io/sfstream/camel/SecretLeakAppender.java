package io.sfstream.camel;

import io.sfstream.camel.internal.bayeux.NetworkOptionsTest;
import io.sfstream.camel.internal.login.AuthenticationFlowsTest;
import io.sfstream.camel.internal.login.SalesforceLoginTest;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>
 * Secrets known only later (a token the emulator issued during the test, a value a test put into a {@code secret = true}
 * option without registering it first) are checked against the words of the lines logged since the last check
 * ({@link #registerLate}). Text that never reaches the log — exception messages handed to exception handlers, health check
 * details, JMX attributes, the output of child JVMs — is checked through {@link #check(String, String)}; Camel's
 * LoggingExceptionHandler logs, so what it is handed is checked as a log line.
 */
@Plugin(name = "SecretLeak", category = Core.CATEGORY_NAME, elementType = Appender.ELEMENT_TYPE)
public final class SecretLeakAppender extends AbstractAppender {

    /** Salesforce access tokens: 15-character org id, '!', then the token (the emulator issues the same shape). */
    static final Pattern TOKEN_SHAPE = Pattern.compile("\\b00D[A-Za-z0-9]{12}![A-Za-z0-9._\\-]{20,}");

    private static final Set<String> SECRETS = new LinkedHashSet<>();
    /** Issued tokens of the access-token shape, checked against earlier lines once ({@link #registerLate}). */
    private static final Set<String> LATE_TOKENS = new HashSet<>();
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static final AtomicLong CHECKED = new AtomicLong();
    /** Where a word ends: secrets and tokens are runs of these characters, found again as whole words or inside one. */
    private static final Pattern WORD_BREAK = Pattern.compile("[^A-Za-z0-9._@!+/\\-]+");
    /** The distinct words of the lines logged since the last {@link #registerLate}, for secrets known only afterwards. */
    private static final Set<String> RECENT_WORDS = ConcurrentHashMap.newKeySet();
    /**
     * Enough for a test's distinct words (TRACE logs each event's uuid: about one new word per event) at a few tens of
     * MB; beyond it, secrets registered late are checked against the first words of the test only (live checks go on).
     */
    private static final int MAX_RECENT_WORDS = 500_000;

    static {
        // every credential the emulator accepts; secret = true covers the client id and the user name too
        register(SalesforceEmulator.CLIENT_ID, SalesforceEmulator.CLIENT_SECRET, SalesforceEmulator.USERNAME,
                SalesforceEmulator.PASSWORD, SalesforceEmulator.REFRESH_TOKEN);
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

    /** Removes and returns the leaks recorded after the first {@code count}: for the check's own test only. */
    static synchronized List<String> takeLeaksAfter(int count) {
        List<String> taken = new ArrayList<>(LEAKS.subList(Math.min(count, LEAKS.size()), LEAKS.size()));
        LEAKS.removeAll(taken);
        return taken;
    }

    static long checkedLines() {
        return CHECKED.get();
    }

    @Override
    public void append(LogEvent event) {
        CHECKED.incrementAndGet();
        String line = withStackTrace(event.getMessage().getFormattedMessage(), event.getThrown());
        remember(line);
        String where = event.getLevel() + " " + event.getLoggerName() + " [" + event.getThreadName() + "] logged ";
        for (String what : findIn(line)) {
            LEAKS.add(where + what);
        }
    }

    /**
     * Checks text that does not go through the log (an exception handed to an exception handler, health details, a JMX
     * attribute, a child JVM's output); a leak is recorded as coming from {@code source}.
     */
    static void check(String source, String text) {
        if (text == null || text.isEmpty()) {
            return;
        }
        for (String what : findIn(text)) {
            LEAKS.add(source + " showed " + what);
        }
    }

    /** {@link #check(String, String)} of a message and the full stack trace of a throwable (causes, suppressed). */
    static void check(String source, String message, Throwable thrown) {
        check(source, withStackTrace(message == null ? "" : message, thrown));
    }

    /**
     * Registers secrets learnt after the fact (issued tokens, option values) and checks those not known before against
     * the words logged since {@link #forgetRecentWords()}.
     */
    static void registerLate(String source, Collection<String> lateSecrets) {
        List<String> unknown = new ArrayList<>();
        synchronized (SecretLeakAppender.class) {
            for (String secret : lateSecrets) {
                if (secret == null || secret.length() < 6) {
                    continue;
                }
                // an access token of the usual shape is caught by TOKEN_SHAPE as it is logged: checking every line
                // against each of the thousands a long run issues as well would only cost time
                boolean added = TOKEN_SHAPE.matcher(secret).matches() ? LATE_TOKENS.add(secret) : SECRETS.add(secret);
                if (added) {
                    unknown.add(secret);
                }
            }
        }
        for (String secret : unknown) {
            String longest = longestPart(secret);
            boolean found = RECENT_WORDS.contains(longest)
                            || (longest.length() >= 8 && RECENT_WORDS.stream().anyMatch(w -> w.contains(longest)));
            if (found) {
                LEAKS.add("a log line before " + source + " were registered showed one of them (" + secret.length()
                          + " chars)");
            }
        }
    }

    /** After a test's late secrets were registered: later lines are checked against them as they are logged. */
    static void forgetRecentWords() {
        RECENT_WORDS.clear();
    }

    private static String longestPart(String secret) {
        String longest = "";
        for (String part : WORD_BREAK.split(secret)) {
            if (part.length() > longest.length()) {
                longest = part;
            }
        }
        return longest;
    }

    private static void remember(String line) {
        if (RECENT_WORDS.size() >= MAX_RECENT_WORDS) {
            return;
        }
        for (String word : WORD_BREAK.split(line)) {
            if (word.length() >= 6 && !isDigits(word)) {
                RECENT_WORDS.add(word);
            }
        }
    }

    private static boolean isDigits(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (!Character.isDigit(word.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** What of the registered secrets and token shapes the text contains, described without the secret. */
    private static List<String> findIn(String text) {
        List<String> found = new ArrayList<>(0);
        List<String> secrets = secrets();
        for (int i = 0; i < secrets.size(); i++) {
            if (text.contains(secrets.get(i))) {
                found.add("secret #" + i + " (" + secrets.get(i).length() + " chars)");
            }
        }
        if (TOKEN_SHAPE.matcher(text).find()) {
            found.add("a string shaped like an access token");
        }
        return found;
    }

    private static String withStackTrace(String message, Throwable thrown) {
        if (thrown == null) {
            return message;
        }
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        return message + '\n' + trace;
    }
}
