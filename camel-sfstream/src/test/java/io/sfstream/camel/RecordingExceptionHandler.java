package io.sfstream.camel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;

/**
 * Collects what a consumer reports through its exception handler (endpoint option exceptionHandler=#name), and checks
 * each message and exception (with its causes) for secrets, as a handler that logs or alerts would show them. Public:
 * the Pub/Sub module's tests use it from the test-jar.
 */
public final class RecordingExceptionHandler implements ExceptionHandler {

    /** What the exception handler was given: its message (null when it was given none) and the exception. */
    public record Report(String message, Throwable error) {

        /** The message and the exception's message, for assertions on what a report names. */
        public String text() {
            return message + " | " + error.getMessage();
        }
    }

    /** The exceptions, in the order reported. */
    public final List<Throwable> errors = new CopyOnWriteArrayList<>();
    /** The reports with their messages, in the order reported. */
    public final List<Report> reports = new CopyOnWriteArrayList<>();

    @Override
    public void handleException(Throwable exception) {
        SecretLeakAppender.check("an exception handed to the exception handler", null, exception);
        add(null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        SecretLeakAppender.check("an exception handed to the exception handler", message, exception);
        add(message, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        SecretLeakAppender.check("an exception handed to the exception handler", message, exception);
        add(message, exception);
    }

    private void add(String message, Throwable exception) {
        errors.add(exception);
        reports.add(new Report(message, exception));
    }

    /** The messages reported; for an exception reported without one, the exception's message. */
    public List<String> messages() {
        return reports.stream()
                .map(r -> r.message() != null ? r.message() : String.valueOf(r.error().getMessage())).toList();
    }

    public <T extends Throwable> List<T> of(Class<T> type) {
        return errors.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
