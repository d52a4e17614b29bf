package io.sfstream.camel;

import java.net.URI;
import java.util.Objects;

/**
 * An access token and the instance it is valid for, as returned by a {@link TokenSupplier}.
 *
 * @param accessToken the bearer token: never logged, see {@link #toString()}
 * @param instanceUrl the org's instance URL, e.g. {@code https://mydomain.my.salesforce.com}
 */
public record SalesforceToken(String accessToken, URI instanceUrl) {

    public SalesforceToken {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(instanceUrl, "instanceUrl");
    }

    @Override
    public String toString() {
        return "SalesforceToken[instanceUrl=" + instanceUrl + ", accessToken=****]";
    }
}
