package io.sfstream.camel;

import java.util.ArrayList;
import java.util.List;

/**
 * The OAuth 2.0 flows the component logs in with, chosen by which credentials are set.
 */
enum LoginFlow {
    REFRESH_TOKEN("refresh-token"),
    PASSWORD("username-password");

    private final String displayName;

    LoginFlow(String displayName) {
        this.displayName = displayName;
    }

    String displayName() {
        return displayName;
    }

    /**
     * The flow the configuration asks for: a refresh token wins over username and password. Fails with a message that
     * names every missing option, never a value.
     */
    static LoginFlow of(SfStreamConfiguration config) {
        List<String> missing = new ArrayList<>();
        if (isBlank(config.getClientId())) {
            missing.add("clientId");
        }
        if (!isBlank(config.getRefreshToken())) {
            if (!missing.isEmpty()) {
                throw missing(missing);
            }
            return REFRESH_TOKEN;
        }
        if (isBlank(config.getClientSecret())) {
            missing.add("clientSecret");
        }
        if (isBlank(config.getUsername())) {
            missing.add("username");
        }
        if (isBlank(config.getPassword())) {
            missing.add("password");
        }
        if (!missing.isEmpty()) {
            throw missing(missing);
        }
        return PASSWORD;
    }

    private static IllegalArgumentException missing(List<String> missing) {
        return new IllegalArgumentException(
                "Missing Salesforce credentials for sfstream: " + String.join(", ", missing)
                                            + ". The refresh-token flow needs clientId and refreshToken (clientSecret optional);"
                                            + " the username-password flow needs clientId, clientSecret, username and password."
                                            + " Set them on the endpoint or on the sfstream component.");
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
