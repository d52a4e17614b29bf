package io.sfstream.bench;

import java.util.List;

/**
 * The consumers compared, each run in a JVM of its own with only the jars it needs: a path on the benchmark's
 * classpath is kept when it contains one of {@code keep} (or always when keep is empty) and none of {@code drop}.
 */
enum Variant {
    A("a", "bare JDK HttpClient + Jackson loop", List.of("/com/fasterxml/jackson/"), List.of()),
    // what an application of the CometD client has: not camel-salesforce's other jars (see sfstreamKeeps)
    B("b", "bare CometD 9 client", List.of("/org/cometd/", "/org/eclipse/jetty/", "/com/fasterxml/jackson/",
        "/org/slf4j/"), List.of("cometd-java-server", "jetty-server", "/jetty/ee", "jetty-session", "jetty-security")),
    C("c", "sfstream ON_RECEIVE, memory store", sfstreamKeeps(), sfstreamDrops()),
    D("d", "sfstream ON_COMPLETION, file store", sfstreamKeeps(), sfstreamDrops()),
    E("e", "sfstream (d) + threads(4)", sfstreamKeeps(), sfstreamDrops()),
    F("f", "camel-salesforce 4.18.0 subscribe", List.of(), salesforceDrops()),
    // the Pub/Sub API (gRPC), draining platform events: the classpaths of (g) and (i) are built by Classpaths from
    // the runtime closure of camel-sfstream-pubsub (footprint/sfstream-pubsub), see Classpaths.forVariant
    G("g", "sfstream Pub/Sub ON_COMPLETION, file store", sfstreamKeeps(), sfstreamDrops()),
    H("h", "camel-salesforce 4.18.0 pubSubSubscribe", List.of(), salesforceDrops()),
    // of the benchmark's classpath only the SLF4J binding; Classpaths adds the gRPC/protobuf/Avro/Jackson part of
    // camel-sfstream-pubsub's closure and the emulator's jar (its generated stub)
    I("i", "bare gRPC stub + Avro decode loop", List.of("/org/slf4j/slf4j-simple"), List.of());

    final String key;
    final String label;
    final List<String> keep;
    final List<String> drop;

    Variant(String key, String label, List<String> keep, List<String> drop) {
        this.key = key;
        this.label = label;
        this.keep = keep;
        this.drop = drop;
    }

    /**
     * What an application of camel-sfstream has: the component's runtime jars (footprint/sfstream), Camel's engine
     * and an SLF4J binding. Not the other jars the benchmark module resolves (camel-salesforce's gRPC, Netty, Avro,
     * Protobuf, Guava, JAXB: 50 jars, 19 MB): each classpath resource lookup (ServiceLoader, Camel's factory
     * finders) opens and searches every jar on the path, which cost the sfstream variants start-up time that an
     * application of them does not pay.
     */
    private static List<String> sfstreamKeeps() {
        return List.of("/camel-sfstream", "/org/apache/camel/", "/com/fasterxml/jackson/core/", "/org/slf4j/",
            "/jakarta/xml/bind/", "/jakarta/activation/");
    }

    private static List<String> sfstreamDrops() {
        // the emulator classes are kept for their credential constants; its Jetty and CometD are not; the Pub/Sub
        // module is not part of a Streaming API application (for (g) Classpaths adds it and its closure back)
        return List.of("camel-salesforce", "/org/cometd/", "/org/eclipse/jetty/", "/jakarta/servlet",
            "camel-sfstream-pubsub");
    }

    /** camel-salesforce's whole closure (it holds both APIs), none of sfstream and none of the emulator's server. */
    private static List<String> salesforceDrops() {
        return List.of("/camel-sfstream/target/", "camel-sfstream-pubsub", "camel-sfstream-emulator",
            "cometd-java-server", "jetty-server", "/jetty/ee", "jetty-session", "jetty-security", "/jakarta/servlet");
    }

    static Variant of(String key) {
        for (Variant v : values()) {
            if (v.key.equalsIgnoreCase(key)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown variant " + key + " (a..i)");
    }

    boolean isSfStream() {
        return this == C || this == D || this == E || this == G;
    }

    /** Consumes over the Pub/Sub API (gRPC, platform events) instead of the Streaming API (Bayeux, PushTopics). */
    boolean isPubSub() {
        return this == G || this == H || this == I;
    }

    String title() {
        return "(" + key + ") " + label;
    }
}
