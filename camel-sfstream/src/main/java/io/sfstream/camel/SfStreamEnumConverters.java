package io.sfstream.camel;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.apache.camel.Converter;

/**
 * Text to the component's enum options, for endpoint URIs and component properties alike: a value that is none of the
 * constants fails with a message naming the option and its valid values, where Camel's generic enum conversion names
 * only the Java type. Accepted like Camel's own conversion: the constant's name in any case, {@code -} for {@code _}.
 */
@Converter(generateLoader = true)
public final class SfStreamEnumConverters {

    private SfStreamEnumConverters() {
    }

    @Converter
    public static BodyType toBodyType(String value) {
        return parse(BodyType.class, "bodyType", value);
    }

    @Converter
    public static ReplayCommit toReplayCommit(String value) {
        return parse(ReplayCommit.class, "replayCommit", value);
    }

    @Converter
    public static ReplayFallback toReplayFallback(String value) {
        return parse(ReplayFallback.class, "replayFallback", value);
    }

    @Converter
    public static WorkerStrategy toWorkerStrategy(String value) {
        return parse(WorkerStrategy.class, "strategy", value);
    }

    @Converter
    public static SfStreamApi toSfStreamApi(String value) {
        return parse(SfStreamApi.class, "api", value);
    }

    @Converter
    public static AuthenticationType toAuthenticationType(String value) {
        return parse(AuthenticationType.class, "authenticationType", value);
    }

    static <E extends Enum<E>> E parse(Class<E> type, String option, String value) {
        String name = value.strip().replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(name)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("Invalid " + option + " '" + value + "': expected one of "
                                           + Arrays.stream(type.getEnumConstants()).map(Enum::name)
                                                   .collect(Collectors.joining(", ")));
    }
}
