package io.sfstream.emulator;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pub/Sub API's gRPC servers on 127.0.0.1: one plaintext, one TLS with the emulator's certificate, serving one
 * {@link PubSubService}. Every call first meets the fault injection and then the authentication Salesforce does: the
 * {@code accesstoken}, {@code instanceurl} and {@code tenantid} headers. Stopping and starting again binds the same
 * ports, so clients can reconnect to where they were.
 */
final class PubSubServer {

    private static final Logger LOG = LoggerFactory.getLogger(PubSubServer.class);

    static final Metadata.Key<String> ACCESS_TOKEN = Metadata.Key.of("accesstoken", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> INSTANCE_URL = Metadata.Key.of("instanceurl", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> TENANT_ID = Metadata.Key.of("tenantid", Metadata.ASCII_STRING_MARSHALLER);

    private final SalesforceEmulator emulator;
    private final PubSubService service;
    private final TlsCertificate certificate;
    private int plainPort;
    private int tlsPort;
    private Server plain;
    private Server tls;

    PubSubServer(SalesforceEmulator emulator, PubSubService service, TlsCertificate certificate, int plainPort,
                 int tlsPort) {
        this.emulator = emulator;
        this.service = service;
        this.certificate = certificate;
        this.plainPort = plainPort;
        this.tlsPort = tlsPort;
    }

    synchronized void start() {
        if (plain != null) {
            return;
        }
        try {
            SslContext ssl = GrpcSslContexts.configure(
                SslContextBuilder.forServer(certificate.privateKey(), certificate.certificate())).build();
            plain = newServer(plainPort).build().start();
            plainPort = plain.getPort();
            tls = newServer(tlsPort).sslContext(ssl).build().start();
            tlsPort = tls.getPort();
            LOG.info("Pub/Sub API listening on 127.0.0.1:{} (plaintext) and 127.0.0.1:{} (TLS)", plainPort, tlsPort);
        } catch (SSLException e) {
            throw new IllegalStateException("Cannot set up TLS for the Pub/Sub API", e);
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException("Cannot bind the Pub/Sub API ports", e);
        }
    }

    private NettyServerBuilder newServer(int port) {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            // Salesforce: at most 100 concurrent streams per channel (HTTP/2 connection)
            .maxConcurrentCallsPerConnection(100)
            .permitKeepAliveTime(1, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .addService(ServerInterceptors.intercept(service, new Gate()));
    }

    /** Stops both servers; every open call ends (clients see UNAVAILABLE). */
    synchronized void stop() {
        // end the streams as a server going away does (UNAVAILABLE), rather than cancelling them under the clients
        service.endAll(Status.UNAVAILABLE.withDescription("The Pub/Sub API server is shutting down"));
        for (Server s : new Server[] {plain, tls}) {
            if (s != null) {
                s.shutdown();
                try {
                    if (!s.awaitTermination(1, TimeUnit.SECONDS)) {
                        s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        plain = null;
        tls = null;
        service.closeAll();
    }

    synchronized boolean isRunning() {
        return plain != null;
    }

    synchronized int plainPort() {
        return plainPort;
    }

    synchronized int tlsPort() {
        return tlsPort;
    }

    /** Fault injection, then authentication, for every call. */
    private final class Gate implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            Faults.PubSubFailure failure = emulator.faults().takePubSubFailure();
            if (failure != null) {
                LOG.info("Failing Pub/Sub call {} with {} {} (fault injection)",
                    call.getMethodDescriptor().getBareMethodName(), failure.status(), failure.errorCode());
                return close(call, Status.fromCode(failure.status()).withDescription("Injected failure"),
                    failure.errorCode());
            }
            String token = headers.get(ACCESS_TOKEN);
            if (!emulator.tokens().isValid(token)) {
                return close(call, Status.UNAUTHENTICATED.withDescription(
                    token == null ? "Missing accesstoken header" : "The access token is invalid or expired"),
                    PubSubErrors.AUTH_ERROR);
            }
            String instanceUrl = headers.get(INSTANCE_URL);
            if (instanceUrl == null || !stripSlash(instanceUrl).equalsIgnoreCase(emulator.baseUrl())) {
                return close(call, Status.UNAUTHENTICATED.withDescription("The instanceurl header " + instanceUrl
                    + " is not this org's " + emulator.baseUrl()), PubSubErrors.AUTH_ERROR);
            }
            String tenant = headers.get(TENANT_ID);
            String org = emulator.orgId();
            if (tenant == null || !(tenant.equals(org) || tenant.equals(org.substring(0, 15)))) {
                return close(call, Status.UNAUTHENTICATED.withDescription("The tenantid header " + tenant
                    + " is not this org's id"), PubSubErrors.AUTH_ERROR);
            }
            return Contexts.interceptCall(Context.current().withValue(PubSubService.TOKEN, token), call, headers, next);
        }

        private <Q, R> ServerCall.Listener<Q> close(ServerCall<Q, R> call, Status status, String errorCode) {
            Metadata trailers = new Metadata();
            if (errorCode != null) {
                trailers.put(PubSubErrors.ERROR_CODE, errorCode);
            }
            call.close(status, trailers);
            return new ServerCall.Listener<>() {
            };
        }

        private String stripSlash(String url) {
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
    }
}
