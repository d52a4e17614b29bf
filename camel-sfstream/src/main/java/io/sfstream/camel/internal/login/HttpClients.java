package io.sfstream.camel.internal.login;

import io.sfstream.camel.SfStreamConfiguration;

import java.io.IOException;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import org.apache.camel.CamelContext;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * Builds the HttpClient of a session from the network options: connect timeout, HTTP proxy (with Basic credentials and
 * non-proxy hosts) and TLS from Camel's SSLContextParameters. Certificates and host names are always verified: the JDK
 * client verifies host names unless the jdk.internal.httpclient.disableHostnameVerification system property is set,
 * and no option here turns verification off.
 */
public final class HttpClients {

    private HttpClients() {
    }

    public static HttpClient.Builder builder(SfStreamConfiguration config, CamelContext camelContext) {
        HttpClient.Builder http = HttpClient.newBuilder()
                .connectTimeout(config.getHttpConnectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (config.getProxyHost() != null && !config.getProxyHost().isBlank()) {
            http.proxy(new NonProxySelector(config.getProxyHost().strip(), config.getProxyPort(),
                    config.getNonProxyHosts()));
            if (config.getProxyUsername() != null && !config.getProxyUsername().isBlank()) {
                http.authenticator(new ProxyAuthenticator(config.getProxyUsername(),
                        config.getProxyPassword() == null ? "" : config.getProxyPassword()));
            }
        }
        SSLContextParameters tls = sslContextParameters(config, camelContext);
        if (tls != null) {
            try {
                SSLContext context = tls.createSSLContext(camelContext);
                http.sslContext(context);
            } catch (Exception e) {
                throw new IllegalArgumentException("Cannot create the TLS context from sslContextParameters: "
                                                   + e.getClass().getSimpleName(), e);
            }
        }
        return http;
    }

    /** Checks the network options at endpoint creation; builds the TLS context once to report a bad trust store. */
    static void validate(SfStreamConfiguration config, CamelContext camelContext) {
        if (config.getHttpConnectTimeout() == null || config.getHttpConnectTimeout().toMillis() <= 0) {
            throw new IllegalArgumentException("Invalid httpConnectTimeout: it must be a positive duration");
        }
        boolean proxy = config.getProxyHost() != null && !config.getProxyHost().isBlank();
        if (proxy) {
            new NonProxySelector(config.getProxyHost().strip(), config.getProxyPort(), config.getNonProxyHosts());
        } else if (config.getProxyPort() != null || config.getProxyUsername() != null || config.getProxyPassword() != null) {
            throw new IllegalArgumentException("proxyPort, proxyUsername and proxyPassword need proxyHost");
        }
        if (proxy && config.getProxyPassword() != null && (config.getProxyUsername() == null
                || config.getProxyUsername().isBlank())) {
            throw new IllegalArgumentException("proxyPassword needs proxyUsername");
        }
        builder(config, camelContext);
    }

    /** The TLS settings in force: sslContextParameters, else the global ones when asked for, else null. */
    public static SSLContextParameters sslContextParameters(SfStreamConfiguration config, CamelContext camelContext) {
        if (config.getSslContextParameters() != null) {
            return config.getSslContextParameters();
        }
        if (config.isUseGlobalSslContextParameters() && camelContext != null) {
            return camelContext.getSSLContextParameters();
        }
        return null;
    }

    /** Answers only the proxy's authentication requests, never a server's. */
    static final class ProxyAuthenticator extends Authenticator {
        private final String username;
        private final char[] password;

        ProxyAuthenticator(String username, String password) {
            this.username = username;
            this.password = password.toCharArray();
        }

        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
            return getRequestorType() == RequestorType.PROXY ? new PasswordAuthentication(username, password.clone())
                    : null;
        }

        @Override
        public String toString() {
            return "ProxyAuthenticator[****]";
        }
    }

    /** The proxy for every host but those matching nonProxyHosts ({@code *} wildcards, {@code |} or comma separated). */
    public static final class NonProxySelector extends ProxySelector {
        private final List<Proxy> proxy;
        private final List<Pattern> bypass;
        private final String proxyName;

        public NonProxySelector(String host, Integer port, String nonProxyHosts) {
            if (port == null || port < 1 || port > 65535) {
                throw new IllegalArgumentException("proxyHost needs a proxyPort between 1 and 65535");
            }
            this.proxy = List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(host, port)));
            this.proxyName = host + ":" + port;
            this.bypass = nonProxyHosts == null ? List.of()
                    : Arrays.stream(nonProxyHosts.split("[|,]")).map(String::strip).filter(s -> !s.isEmpty())
                            .map(NonProxySelector::glob).toList();
        }

        private static Pattern glob(String host) {
            String[] parts = host.toLowerCase(Locale.ROOT).split("\\*", -1);
            StringBuilder r = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    r.append(".*");
                }
                r.append(Pattern.quote(parts[i]));
            }
            return Pattern.compile(r.toString());
        }

        boolean bypasses(String host) {
            if (host == null) {
                return false;
            }
            String h = host.toLowerCase(Locale.ROOT);
            if (h.startsWith("[") && h.endsWith("]")) {
                h = h.substring(1, h.length() - 1);
            }
            for (Pattern p : bypass) {
                if (p.matcher(h).matches()) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public List<Proxy> select(URI uri) {
            return bypasses(uri.getHost()) ? List.of(Proxy.NO_PROXY) : proxy;
        }

        @Override
        public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            // nothing to fall back to: the request fails and the session retries
        }

        @Override
        public String toString() {
            return "NonProxySelector[" + proxyName + "]";
        }
    }
}
