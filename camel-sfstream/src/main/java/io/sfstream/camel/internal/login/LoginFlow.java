package io.sfstream.camel.internal.login;

import io.sfstream.camel.AuthenticationType;
import io.sfstream.camel.SfStreamConfiguration;

import java.util.ArrayList;
import java.util.List;

/**
 * The ways the component obtains access tokens, chosen by which options are set or forced with
 * {@code authenticationType}. Error messages name options, never values.
 */
public enum LoginFlow {
    REFRESH_TOKEN("refresh-token", AuthenticationType.REFRESH_TOKEN),
    PASSWORD("username-password", AuthenticationType.USERNAME_PASSWORD),
    CLIENT_CREDENTIALS("client-credentials", AuthenticationType.CLIENT_CREDENTIALS),
    JWT_BEARER("JWT bearer", AuthenticationType.JWT_BEARER),
    ACCESS_TOKEN("fixed access token", AuthenticationType.ACCESS_TOKEN),
    TOKEN_SUPPLIER("token supplier", AuthenticationType.TOKEN_SUPPLIER);

    static final String NEEDS = " The username-password flow needs clientId, clientSecret, username and password;"
                                + " the refresh-token flow needs clientId and refreshToken (clientSecret optional);"
                                + " the client-credentials flow needs clientId and clientSecret (loginUrl the My Domain URL);"
                                + " the JWT bearer flow needs clientId, username and one of privateKey, privateKeyFile or keystore;"
                                + " the fixed access token needs accessToken and instanceUrl;"
                                + " the token supplier needs tokenSupplier."
                                + " Set them on the endpoint or on the sfstream component.";

    private final String displayName;
    private final AuthenticationType type;

    LoginFlow(String displayName, AuthenticationType type) {
        this.displayName = displayName;
        this.type = type;
    }

    public String displayName() {
        return displayName;
    }

    AuthenticationType type() {
        return type;
    }

    static LoginFlow of(AuthenticationType type) {
        for (LoginFlow flow : values()) {
            if (flow.type == type) {
                return flow;
            }
        }
        throw new IllegalArgumentException("unknown authenticationType " + type);
    }

    /**
     * The flow the configuration asks for: {@code authenticationType} when set, else a token supplier, a fixed access
     * token, a private key (JWT bearer), a refresh token (which wins over username and password), username and
     * password, and finally clientId and clientSecret alone (client credentials). Fails with a message that names every
     * missing or conflicting option, never a value.
     */
    static LoginFlow of(SfStreamConfiguration config) {
        int keySources = count(!isBlank(config.getPrivateKey()), !isBlank(config.getPrivateKeyFile()),
                config.getKeystore() != null);
        if (keySources > 1) {
            throw conflict("set only one of privateKey, privateKeyFile and keystore");
        }
        LoginFlow flow;
        if (config.getAuthenticationType() != null) {
            flow = of(config.getAuthenticationType());
        } else {
            List<String> defining = new ArrayList<>();
            if (config.getTokenSupplier() != null) {
                defining.add("tokenSupplier");
            }
            if (!isBlank(config.getAccessToken())) {
                defining.add("accessToken");
            }
            if (keySources > 0) {
                defining.add("a private key (privateKey, privateKeyFile or keystore)");
            }
            if (!isBlank(config.getRefreshToken())) {
                defining.add("refreshToken");
            }
            if (defining.size() > 1) {
                throw conflict(String.join(" and ", defining)
                               + " select different flows; remove one or set authenticationType");
            }
            if (config.getTokenSupplier() != null) {
                flow = TOKEN_SUPPLIER;
            } else if (!isBlank(config.getAccessToken())) {
                flow = ACCESS_TOKEN;
            } else if (keySources > 0) {
                flow = JWT_BEARER;
            } else if (!isBlank(config.getRefreshToken())) {
                flow = REFRESH_TOKEN;
            } else if (isBlank(config.getUsername()) && isBlank(config.getPassword()) && !isBlank(config.getClientId())
                    && !isBlank(config.getClientSecret())) {
                flow = CLIENT_CREDENTIALS;
            } else {
                flow = PASSWORD;
            }
        }
        List<String> missing = new ArrayList<>();
        switch (flow) {
            case REFRESH_TOKEN -> {
                require(missing, "clientId", config.getClientId());
                require(missing, "refreshToken", config.getRefreshToken());
            }
            case PASSWORD -> {
                require(missing, "clientId", config.getClientId());
                require(missing, "clientSecret", config.getClientSecret());
                require(missing, "username", config.getUsername());
                require(missing, "password", config.getPassword());
            }
            case CLIENT_CREDENTIALS -> {
                require(missing, "clientId", config.getClientId());
                require(missing, "clientSecret", config.getClientSecret());
            }
            case JWT_BEARER -> {
                require(missing, "clientId", config.getClientId());
                require(missing, "username", config.getUsername());
                if (keySources == 0) {
                    missing.add("privateKey, privateKeyFile or keystore");
                }
            }
            case ACCESS_TOKEN -> {
                require(missing, "accessToken", config.getAccessToken());
                require(missing, "instanceUrl", config.getInstanceUrl());
            }
            case TOKEN_SUPPLIER -> {
                if (config.getTokenSupplier() == null) {
                    missing.add("tokenSupplier");
                }
            }
            default -> throw new IllegalStateException("unknown flow " + flow);
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "Missing Salesforce credentials for sfstream: " + String.join(", ", missing) + ". The "
                                               + flow.displayName + " flow is "
                                               + (config.getAuthenticationType() != null ? "forced by authenticationType."
                                                       : "chosen by the options set (force one with authenticationType).")
                                               + NEEDS);
        }
        return flow;
    }

    private static IllegalArgumentException conflict(String what) {
        return new IllegalArgumentException("Conflicting Salesforce credentials for sfstream: " + what + "." + NEEDS);
    }

    private static void require(List<String> missing, String option, String value) {
        if (isBlank(value)) {
            missing.add(option);
        }
    }

    private static int count(boolean... conditions) {
        int n = 0;
        for (boolean c : conditions) {
            n += c ? 1 : 0;
        }
        return n;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
