package io.sfstream.camel;

/**
 * The ways the component obtains a Salesforce access token; set {@code authenticationType} to force one, otherwise it
 * follows from the options that are set.
 */
public enum AuthenticationType {
    /** OAuth username-password flow: clientId, clientSecret, username, password. */
    USERNAME_PASSWORD,
    /** OAuth refresh-token flow: clientId, refreshToken (clientSecret when the connected app requires it). */
    REFRESH_TOKEN,
    /** OAuth client-credentials flow: clientId, clientSecret; loginUrl must be the org's My Domain URL. */
    CLIENT_CREDENTIALS,
    /** OAuth JWT bearer flow: clientId, username and a private key (privateKey, privateKeyFile or keystore). */
    JWT_BEARER,
    /** A fixed access token and its instanceUrl, for tests and short jobs: no login, no renewal. */
    ACCESS_TOKEN,
    /** A TokenSupplier bean that obtains tokens elsewhere. */
    TOKEN_SUPPLIER
}
