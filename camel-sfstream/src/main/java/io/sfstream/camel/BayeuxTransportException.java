package io.sfstream.camel;

/**
 * The streaming endpoint could not be reached or answered something other than Bayeux JSON (an HTTP error status, an
 * HTML maintenance page, a truncated body).
 */
public class BayeuxTransportException extends SfStreamException {

    private final int httpStatus;

    public BayeuxTransportException(String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    /** The HTTP status of the answer, or 0 when none arrived (connection refused, reset, timed out). */
    public int getHttpStatus() {
        return httpStatus;
    }
}
