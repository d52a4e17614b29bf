package io.sfstream.camel;

/**
 * The OAuth token endpoint refused a login or answered something that is not a token.
 */
public class SalesforceLoginException extends SfStreamException {

    private final int httpStatus;
    private final String error;

    public SalesforceLoginException(String message, int httpStatus, String error, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.error = error;
    }

    /** The HTTP status of the token endpoint's answer, or 0 when none arrived. */
    public int getHttpStatus() {
        return httpStatus;
    }

    /** Salesforce's {@code error} code (e.g. {@code invalid_grant}), or null. */
    public String getError() {
        return error;
    }

    /** Wrong credentials are not worth retrying soon: the same request gets the same answer. */
    public boolean isCredentialsRejected() {
        return "invalid_grant".equals(error) || "invalid_client".equals(error) || "invalid_client_id".equals(error)
               || "unauthorized_client".equals(error);
    }
}
