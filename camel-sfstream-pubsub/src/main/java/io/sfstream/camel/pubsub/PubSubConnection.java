package io.sfstream.camel.pubsub;

import io.sfstream.camel.SfStreamConfiguration;
import io.sfstream.camel.internal.login.AccessToken;
import io.sfstream.camel.internal.login.SalesforceLogin;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.sfstream.camel.pubsub.proto.PubSubGrpc;
import io.sfstream.camel.pubsub.proto.SchemaRequest;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gRPC channel to the Pub/Sub API with its login, shared by the streams of endpoints with equal settings: the
 * current access token, the three auth headers made of it, and the writer schemas fetched so far. Every method but
 * {@link #close()} runs on the connection's single thread, which is also the gRPC channel's executor, so that the
 * streams' callbacks, logins and schema fetches are one at a time.
 */
final class PubSubConnection {

    private static final Logger LOG = LoggerFactory.getLogger(PubSubConnection.class);

    static final Metadata.Key<String> ACCESS_TOKEN = Metadata.Key.of("accesstoken", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> INSTANCE_URL = Metadata.Key.of("instanceurl", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> TENANT_ID = Metadata.Key.of("tenantid", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("error-code", Metadata.ASCII_STRING_MARSHALLER);

    private final String name;
    private final ManagedChannel channel;
    private final SalesforceLogin login;
    private final String configuredOrgId;
    private final ScheduledExecutorService thread;
    private final Duration requestTimeout;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private final AtomicLong logins = new AtomicLong();
    /** The token in use, null until the first login and after the server refused it; only on the thread. */
    private AccessToken token;

    PubSubConnection(String name, ManagedChannel channel, SalesforceLogin login, SfStreamConfiguration config,
                     ScheduledExecutorService thread) {
        this.name = name;
        this.channel = channel;
        this.login = login;
        this.configuredOrgId = config.getOrgId();
        this.thread = thread;
        this.requestTimeout = config.getHttpRequestTimeout();
    }

    String name() {
        return name;
    }

    ScheduledExecutorService thread() {
        return thread;
    }

    long logins() {
        return logins.get();
    }

    /** The token in use, logging in first when there is none (blocks for at most the login timeout). */
    AccessToken token() {
        if (token == null) {
            AccessToken fresh = login.login();
            logins.incrementAndGet();
            LOG.info("Pub/Sub connection {} logged in with the {} flow ({})", name, login.flow(), fresh.instanceUrl());
            token = fresh;
        }
        return token;
    }

    /** The server refused {@code used}: the next {@link #token()} logs in again, unless another stream did already. */
    void refused(AccessToken used) {
        if (token == used) {
            token = null;
        }
    }

    /** A stub whose calls carry the auth headers of {@code used}. */
    PubSubGrpc.PubSubStub stub(AccessToken used) {
        return PubSubGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(used)));
    }

    private Metadata headers(AccessToken used) {
        String tenant = used.orgId() != null ? used.orgId() : configuredOrgId;
        if (tenant == null || tenant.isBlank()) {
            throw new IllegalStateException("The Pub/Sub API needs the org id (tenantid header) and the "
                                            + login.flow() + " flow gives none: set the orgId option");
        }
        Metadata headers = new Metadata();
        headers.put(ACCESS_TOKEN, used.value());
        headers.put(INSTANCE_URL, used.instanceUrl().toString());
        headers.put(TENANT_ID, tenant.strip());
        return headers;
    }

    /**
     * The writer schema of {@code schemaId}, fetched with GetSchema at its first use and cached.
     *
     * @return the schema, or null when the server has no schema of that id (or sent one that does not parse)
     * @throws StatusRuntimeException when GetSchema failed otherwise (network, auth): worth retrying
     */
    Schema schema(String schemaId, AccessToken used) {
        Schema known = schemas.get(schemaId);
        if (known != null) {
            return known;
        }
        String text;
        try {
            text = PubSubGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(used)))
                    .withDeadlineAfter(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .getSchema(SchemaRequest.newBuilder().setSchemaId(schemaId).build()).getSchemaJson();
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            if (code == Status.Code.NOT_FOUND || code == Status.Code.INVALID_ARGUMENT) {
                return null;
            }
            throw e;
        }
        Schema parsed;
        try {
            parsed = new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            LOG.warn("Pub/Sub schema {} does not parse as Avro due to: {}", schemaId, e.getMessage());
            return null;
        }
        LOG.debug("Pub/Sub schema {} fetched: {}", schemaId, parsed.getFullName());
        schemas.put(schemaId, parsed);
        return parsed;
    }

    /** Cancels what is left on the channel and lets it terminate in the background. */
    void close() {
        LOG.info("Pub/Sub connection {} closed", name);
        channel.shutdownNow();
    }

    @Override
    public String toString() {
        return "PubSubConnection[" + name + "]";
    }
}
