package io.sfstream.camel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;

/**
 * Collects what a consumer reports through its exception handler (endpoint option exceptionHandler=#name), and checks
 * each message and exception (with its causes) for secrets, as a handler that logs or alerts would show them.
 */
final class RecordingExceptionHandler implements ExceptionHandler {

    final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @Override
    public void handleException(Throwable exception) {
        SecretLeakAppender.check("an exception handed to the exception handler", null, exception);
        errors.add(exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        SecretLeakAppender.check("an exception handed to the exception handler", message, exception);
        errors.add(exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        SecretLeakAppender.check("an exception handed to the exception handler", message, exception);
        errors.add(exception);
    }

    <T extends Throwable> List<T> of(Class<T> type) {
        return errors.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
