package io.sfstream.camel;

import org.apache.camel.RuntimeCamelException;

/**
 * Base of every error the sfstream component reports. Messages never carry credentials or tokens.
 */
public class SfStreamException extends RuntimeCamelException {

    public SfStreamException(String message) {
        super(message);
    }

    public SfStreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
