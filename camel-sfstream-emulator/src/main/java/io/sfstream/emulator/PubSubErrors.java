package io.sfstream.emulator;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** The {@code error-code} trailer values the Pub/Sub API ends calls with, and how the emulator attaches them. */
public final class PubSubErrors {

    /** The trailer that carries Salesforce's error code. */
    public static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("error-code", Metadata.ASCII_STRING_MARSHALLER);

    public static final String REPLAY_ID_CORRUPTED = "sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted";
    public static final String REPLAY_ID_VALIDATION_FAILED =
        "sfdc.platform.eventbus.grpc.subscription.fetch.replayid.validation.failed";
    public static final String AUTH_ERROR = "sfdc.platform.eventbus.grpc.service.auth.error";
    public static final String AUTH_REFRESH_INVALID = "sfdc.platform.eventbus.grpc.service.auth.refresh.invalid";
    public static final String CLIENT_LIMIT_EXCEEDED = "sfdc.platform.eventbus.grpc.concurrent.client.limit.exceeded";
    public static final String SERVICE_UNAVAILABLE = "sfdc.platform.eventbus.grpc.service.unavailable";
    /** UNCONFIRMED: no source names the code for an unknown or unsupported topic; the emulator uses this one. */
    public static final String TOPIC_INVALID = "sfdc.platform.eventbus.grpc.subscription.fetch.topic.invalid";
    /** UNCONFIRMED: the code for an unknown schema id. */
    public static final String SCHEMA_NOT_FOUND = "sfdc.platform.eventbus.grpc.schema.not.found";
    /** UNCONFIRMED: the code for an unknown managed subscription. */
    public static final String MANAGED_SUBSCRIPTION_NOT_FOUND =
        "sfdc.platform.eventbus.grpc.subscription.managed.not.found";

    private PubSubErrors() {
    }

    static StatusRuntimeException error(Status status, String errorCode) {
        Metadata trailers = new Metadata();
        if (errorCode != null) {
            trailers.put(ERROR_CODE, errorCode);
        }
        return status.asRuntimeException(trailers);
    }
}
