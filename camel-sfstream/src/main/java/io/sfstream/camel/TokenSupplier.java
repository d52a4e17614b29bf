package io.sfstream.camel;

/**
 * Supplies access tokens obtained outside the component (a vault, a sidecar, a company SSO library). Set it as the
 * {@code tokenSupplier} option ({@code #beanName}). The component calls {@link #getToken()} at every login: when a
 * session starts and again after Salesforce rejected the current token (HTTP 401 or 403, {@code 401::Authentication
 * invalid}) or a new handshake is needed, so it must return a token that is currently valid.
 */
@FunctionalInterface
public interface TokenSupplier {

    /**
     * A valid token. An exception is reported as a failed login (its message must not contain a credential) and the
     * login is retried after the reconnect delay.
     */
    SalesforceToken getToken() throws Exception;
}
