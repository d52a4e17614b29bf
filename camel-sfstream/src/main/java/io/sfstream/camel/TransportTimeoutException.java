package io.sfstream.camel;

import java.time.Duration;

/**
 * The session has been unable to reconnect to Salesforce for {@code connectionTimeout}. Reported once per outage; the
 * session keeps reconnecting, and the readiness check reports DOWN until it is connected again.
 */
public class TransportTimeoutException extends SfStreamException {

    private final Duration timeout;

    public TransportTimeoutException(String message, Duration timeout, Throwable cause) {
        super(message, cause);
        this.timeout = timeout;
    }

    /** The connectionTimeout that elapsed. */
    public Duration getTimeout() {
        return timeout;
    }
}
