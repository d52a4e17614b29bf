package io.sfstream.camel;

/**
 * The Salesforce API an endpoint consumes its channel over.
 */
public enum SfStreamApi {
    /** The Streaming API (CometD/Bayeux over HTTPS): every channel kind, built into camel-sfstream. */
    STREAMING,
    /**
     * The Pub/Sub API (gRPC over HTTP/2): platform events ({@code /event/..}) and change events ({@code /data/..}) only;
     * needs the {@code io.sfstream:camel-sfstream-pubsub} artifact on the classpath.
     */
    PUBSUB
}
