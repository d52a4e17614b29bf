package io.sfstream.camel.internal.transport;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The component's two shared ObjectMappers, each created at its first use rather than when a class referring to it is
 * loaded: creating the first ObjectMapper loads some 500 Jackson classes (about 190 ms of a cold start), and
 * the component's background preload does that on another thread while Camel is still building routes. Holder classes make the
 * creation thread-safe: whoever comes first creates, anyone else waits for it.
 */
public final class SharedMappers {

    private SharedMappers() {
    }

    /** The protocol's own JSON: independent of the objectMapper option, which only shapes bodies. */
    public static ObjectMapper protocol() {
        return Protocol.MAPPER;
    }

    /** Bodies of every endpoint that sets no objectMapper: ObjectMapper is thread-safe once configured. */
    public static ObjectMapper bodies() {
        return Bodies.MAPPER;
    }

    private static final class Protocol {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private static final class Bodies {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
