package io.sfstream.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** OAuth 2.0 token endpoint logic and the set of valid access tokens. */
final class TokenService {

    static final String JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private final SecureRandom random = new SecureRandom();
    private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    /** Every token handed out, expired and revoked ones included (for secret-leak checks). */
    private final Set<String> issuedTokens = ConcurrentHashMap.newKeySet();
    private final ObjectMapper mapper;
    private final String orgId;
    private final String userId;
    private volatile PublicKey jwtPublicKey;
    private volatile Runnable onInvalidated = () -> { };

    TokenService(ObjectMapper mapper, String orgId, String userId, PublicKey jwtPublicKey) {
        this.mapper = mapper;
        this.orgId = orgId;
        this.userId = userId;
        this.jwtPublicKey = jwtPublicKey;
    }

    String orgId() {
        return orgId;
    }

    String userId() {
        return userId;
    }

    void setJwtPublicKey(PublicKey key) {
        this.jwtPublicKey = key;
    }

    boolean isValid(String token) {
        return token != null && validTokens.contains(token);
    }

    /** Called after tokens were revoked or expired (the Pub/Sub API ends the streams they opened). */
    void onInvalidated(Runnable listener) {
        this.onInvalidated = listener;
    }

    void revoke(String token) {
        if (token != null && validTokens.remove(token)) {
            onInvalidated.run();
        }
    }

    void expireAll() {
        validTokens.clear();
        onInvalidated.run();
    }

    /** Issues a fresh access token without a grant (for tests that skip OAuth). */
    String issue() {
        byte[] bytes = new byte[72];
        random.nextBytes(bytes);
        String token = orgId.substring(0, 15) + "!AQ" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)
            .replace('-', 'a').replace('_', 'b');
        validTokens.add(token);
        issuedTokens.add(token);
        return token;
    }

    /** Every access and refresh token handed out so far, expired and revoked ones included. */
    List<String> issued() {
        return List.copyOf(issuedTokens);
    }

    /**
     * Handles one token request.
     *
     * @return null when the grant is refused, else the token response body
     */
    Map<String, Object> grant(Map<String, String> form, String baseUrl) {
        String grantType = form.get("grant_type");
        if (grantType == null) {
            return null;
        }
        boolean withRefresh = false;
        switch (grantType) {
            case "password" -> {
                if (!SalesforceEmulator.CLIENT_ID.equals(form.get("client_id"))
                    || !SalesforceEmulator.CLIENT_SECRET.equals(form.get("client_secret"))
                    || !SalesforceEmulator.USERNAME.equals(form.get("username"))
                    || !SalesforceEmulator.PASSWORD.equals(form.get("password"))) {
                    return null;
                }
            }
            case "refresh_token" -> {
                if (!SalesforceEmulator.CLIENT_ID.equals(form.get("client_id"))
                    || !SalesforceEmulator.REFRESH_TOKEN.equals(form.get("refresh_token"))
                    || (form.get("client_secret") != null
                        && !SalesforceEmulator.CLIENT_SECRET.equals(form.get("client_secret")))) {
                    return null;
                }
            }
            case "client_credentials" -> {
                if (!SalesforceEmulator.CLIENT_ID.equals(form.get("client_id"))
                    || !SalesforceEmulator.CLIENT_SECRET.equals(form.get("client_secret"))) {
                    return null;
                }
            }
            case JWT_GRANT -> {
                if (!verifyJwt(form.get("assertion"))) {
                    return null;
                }
            }
            default -> {
                return null;
            }
        }
        String token = issue();
        String issuedAt = Long.toString(System.currentTimeMillis());
        String id = baseUrl + "/id/" + orgId + "/" + userId;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token);
        if (withRefresh) {
            body.put("refresh_token", SalesforceEmulator.REFRESH_TOKEN);
            issuedTokens.add(SalesforceEmulator.REFRESH_TOKEN);
        }
        body.put("instance_url", baseUrl);
        body.put("id", id);
        body.put("token_type", "Bearer");
        body.put("issued_at", issuedAt);
        body.put("signature", sign(id + issuedAt));
        return body;
    }

    private String sign(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SalesforceEmulator.CLIENT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** RS256 JWT: signature checked with the configured public key; iss, sub and exp checked. */
    private boolean verifyJwt(String assertion) {
        PublicKey key = jwtPublicKey;
        if (assertion == null || key == null) {
            return false;
        }
        String[] parts = assertion.split("\\.");
        if (parts.length != 3) {
            return false;
        }
        try {
            Base64.Decoder dec = Base64.getUrlDecoder();
            JsonNode header = mapper.readTree(dec.decode(parts[0]));
            if (!"RS256".equals(header.path("alg").asText())) {
                return false;
            }
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initVerify(key);
            signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!signature.verify(dec.decode(parts[2]))) {
                return false;
            }
            JsonNode claims = mapper.readTree(dec.decode(parts[1]));
            long exp = claims.path("exp").asLong(0);
            return SalesforceEmulator.CLIENT_ID.equals(claims.path("iss").asText())
                && SalesforceEmulator.USERNAME.equals(claims.path("sub").asText())
                && exp * 1000 > System.currentTimeMillis();
        } catch (Exception e) {
            return false;
        }
    }
}
