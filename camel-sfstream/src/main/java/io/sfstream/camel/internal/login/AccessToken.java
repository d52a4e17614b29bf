package io.sfstream.camel.internal.login;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OAuth access token and the instance it is valid for.
 *
 * @param value       the bearer token: never logged, see {@link #toString()}
 * @param instanceUrl the org's instance, base of the streaming URL
 * @param orgId       the org id from the token response's identity URL ({@code .../id/<orgId>/<userId>}), or null when
 *                    the flow gives none (a fixed access token, a token supplier)
 */
public record AccessToken(String value, URI instanceUrl, String orgId) {

    private static final Pattern IDENTITY = Pattern.compile("/id/([A-Za-z0-9]{15,18})/[A-Za-z0-9]{15,18}/?$");

    public AccessToken(String value, URI instanceUrl) {
        this(value, instanceUrl, null);
    }

    /** The org id of an identity URL such as {@code https://login.salesforce.com/id/00D.../005...}, or null. */
    public static String orgIdOf(String identityUrl) {
        if (identityUrl == null) {
            return null;
        }
        Matcher m = IDENTITY.matcher(identityUrl);
        return m.find() ? m.group(1) : null;
    }

    @Override
    public String toString() {
        return "AccessToken[instanceUrl=" + instanceUrl + ", orgId=" + orgId + ", value=****]";
    }
}
