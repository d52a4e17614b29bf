package io.sfstream.camel.internal.login;

import java.net.URI;

/**
 * An OAuth access token and the instance it is valid for.
 *
 * @param value       the bearer token: never logged, see {@link #toString()}
 * @param instanceUrl the org's instance, base of the streaming URL
 */
public record AccessToken(String value, URI instanceUrl) {

    @Override
    public String toString() {
        return "AccessToken[instanceUrl=" + instanceUrl + ", value=****]";
    }
}
