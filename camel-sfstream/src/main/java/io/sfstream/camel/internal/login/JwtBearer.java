package io.sfstream.camel.internal.login;

import io.sfstream.camel.SfStreamConfiguration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.support.jsse.KeyStoreParameters;

/**
 * Builds the RS256-signed assertion of the OAuth JWT bearer flow with the JDK alone: claims iss (clientId), sub
 * (username), aud (login URL or jwtAudience) and a short exp. Messages name options, never key material.
 */
final class JwtBearer {

    static final Duration LIFETIME = Duration.ofMinutes(3);
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey key;
    private final String issuer;
    private final String subject;
    private final String audience;
    private final ObjectMapper json;
    private final Clock clock;

    JwtBearer(PrivateKey key, String issuer, String subject, String audience, ObjectMapper json, Clock clock) {
        this.key = key;
        this.issuer = issuer;
        this.subject = subject;
        this.audience = audience;
        this.json = json;
        this.clock = clock;
    }

    static JwtBearer of(SfStreamConfiguration config, CamelContext camelContext, ObjectMapper json) {
        String audience = config.getJwtAudience() != null && !config.getJwtAudience().isBlank()
                ? config.getJwtAudience().strip() : config.effectiveLoginUrl();
        return new JwtBearer(privateKeyOf(config, camelContext), config.getClientId(), config.getUsername(), audience, json,
                Clock.systemUTC());
    }

    String audience() {
        return audience;
    }

    /** A fresh assertion: header.claims.signature, base64url without padding. */
    String assertion() {
        ObjectNode header = json.createObjectNode().put("alg", "RS256").put("typ", "JWT");
        ObjectNode claims = json.createObjectNode()
                .put("iss", issuer)
                .put("sub", subject)
                .put("aud", audience)
                .put("exp", clock.instant().plus(LIFETIME).getEpochSecond());
        try {
            String signingInput = B64URL.encodeToString(json.writeValueAsBytes(header)) + "."
                                  + B64URL.encodeToString(json.writeValueAsBytes(claims));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64URL.encodeToString(signature.sign());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot sign the JWT bearer assertion with the configured RSA private key: "
                                            + e.getClass().getSimpleName(), e);
        }
    }

    /** Loads the key from privateKey, privateKeyFile or keystore; fails naming the option, never showing the key. */
    static PrivateKey privateKeyOf(SfStreamConfiguration config, CamelContext camelContext) {
        if (config.getPrivateKey() != null && !config.getPrivateKey().isBlank()) {
            return fromPem(config.getPrivateKey(), "privateKey");
        }
        if (config.getPrivateKeyFile() != null && !config.getPrivateKeyFile().isBlank()) {
            String file = config.getPrivateKeyFile().strip();
            String pem;
            try {
                pem = Files.readString(Path.of(file.startsWith("file:") ? file.substring(5) : file),
                        StandardCharsets.US_ASCII);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("Cannot read the privateKeyFile: " + e.getClass().getSimpleName(), e);
            }
            return fromPem(pem, "privateKeyFile");
        }
        KeyStoreParameters parameters = config.getKeystore();
        if (parameters == null) {
            throw new IllegalArgumentException("The JWT bearer flow needs privateKey, privateKeyFile or keystore");
        }
        try {
            if (parameters.getCamelContext() == null && camelContext != null) {
                parameters.setCamelContext(camelContext);
            }
            KeyStore store = parameters.createKeyStore();
            String alias = config.getKeystoreAlias();
            if (alias == null || alias.isBlank()) {
                List<String> keys = Collections.list(store.aliases()).stream().filter(a -> isKeyEntry(store, a)).toList();
                if (keys.size() != 1) {
                    throw new IllegalArgumentException("The keystore holds " + keys.size()
                                                       + " private keys: set keystoreAlias to choose one");
                }
                alias = keys.get(0);
            }
            String password = config.getKeyPassword() != null ? config.getKeyPassword() : parameters.getPassword();
            Key key = store.getKey(alias, password == null ? new char[0] : password.toCharArray());
            if (!(key instanceof PrivateKey privateKey) || !"RSA".equals(key.getAlgorithm())) {
                throw new IllegalArgumentException("The keystore has no RSA private key under keystoreAlias '" + alias + "'");
            }
            return privateKey;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("Cannot load the JWT bearer flow's private key from keystore: "
                                               + e.getClass().getSimpleName()
                                               + (e instanceof UnrecoverableKeyException
                                                       ? " (wrong keyPassword?)" : ""),
                    e);
        }
    }

    private static boolean isKeyEntry(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static PrivateKey fromPem(String pem, String option) {
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("The " + option + " is not a PKCS#8 PEM private key (expected "
                                               + begin + "; convert a PKCS#1 'RSA PRIVATE KEY' with"
                                               + " openssl pkcs8 -topk8 -nocrypt)");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException("The " + option + " is not a valid unencrypted RSA PKCS#8 private key: "
                                               + e.getClass().getSimpleName());
        }
    }

    @Override
    public String toString() {
        return "JwtBearer[aud=" + audience + "]";
    }
}
