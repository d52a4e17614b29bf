package io.sfstream.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The classpaths Maven resolved at build time (target/bench-classpath.txt and each footprint module's
 * target/runtime-classpath.txt), found next to this code whether it runs from the jar or from target/classes.
 */
final class Classpaths {

    private final Path moduleDir;
    private final Path ownCode;
    private final List<String> bench;

    private Classpaths(Path moduleDir, Path ownCode, List<String> bench) {
        this.moduleDir = moduleDir;
        this.ownCode = ownCode;
        this.bench = bench;
    }

    static Classpaths locate() {
        try {
            Path ownCode = Path.of(Classpaths.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = ownCode.getParent();
            Path file = target.resolve("bench-classpath.txt");
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException(file + " is missing: build with ./mvnw -B -q -pl camel-sfstream-benchmarks"
                    + " -am package -DskipTests");
            }
            return new Classpaths(target.getParent(), ownCode, read(file));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> read(Path file) {
        try {
            String text = Files.readString(file).strip();
            return text.isEmpty() ? List.of() : Arrays.asList(text.split(File.pathSeparator));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path moduleDir() {
        return moduleDir;
    }

    /** Everything: for the emulator's JVM. */
    String full() {
        return join(bench);
    }

    /** This module's code plus the jars the variant needs. */
    String forVariant(Variant variant) {
        List<String> kept = new ArrayList<>();
        for (String path : bench) {
            String p = path.replace(File.separatorChar, '/');
            boolean keep = variant.keep.isEmpty() || variant.keep.stream().anyMatch(p::contains);
            if (keep && variant.drop.stream().noneMatch(p::contains)) {
                kept.add(path);
            }
        }
        if (variant == Variant.A || variant == Variant.B || variant == Variant.I) {
            // the bare clients read the credential constants from the emulator's jar, nothing else of it; (i) also
            // uses the gRPC stub generated there from the emulator's salesforce_pubsub.proto
            bench.stream().filter(p -> p.contains("camel-sfstream-emulator")).forEach(kept::add);
        }
        if (variant == Variant.G || variant == Variant.I) {
            // what an application of camel-sfstream-pubsub has: its runtime closure as Maven resolved it alone,
            // taken from the benchmark's classpath (same versions: both import the same gRPC BOM); (i) only the
            // gRPC, protobuf, Avro and Jackson part of it, no Camel
            for (String path : pubSubClosure()) {
                String p = path.replace(File.separatorChar, '/');
                boolean camel = p.contains("/org/apache/camel/") || p.contains("/camel-sfstream");
                if (!kept.contains(path) && (variant == Variant.G || !camel)) {
                    kept.add(path);
                }
            }
        }
        return join(kept);
    }

    /** The benchmark classpath's entries that are in camel-sfstream-pubsub's own runtime closure. */
    private List<String> pubSubClosure() {
        List<String> names = footprint("sfstream-pubsub").stream().map(Classpaths::identity).toList();
        return bench.stream().filter(p -> names.contains(identity(Path.of(p)))).toList();
    }

    /** A jar by its file name (artifact and version); a reactor module's classes directory by its full path. */
    private static String identity(Path path) {
        return Files.isDirectory(path) ? path.toAbsolutePath().normalize().toString() : path.getFileName().toString();
    }

    private String join(List<String> paths) {
        List<String> all = new ArrayList<>();
        all.add(ownCode.toString());
        all.addAll(paths);
        return String.join(File.pathSeparator, all);
    }

    /** The runtime jars of one component, resolved on its own by footprint/NAME. */
    List<Path> footprint(String name) {
        Path file = moduleDir.resolve("footprint").resolve(name).resolve("target").resolve("runtime-classpath.txt");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build the benchmarks module with -am");
        }
        return read(file).stream().map(Path::of).toList();
    }

    /** A jar's size, or the size of the files under a classes directory (a reactor build without package). */
    static long bytes(Path path) {
        try {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
                }
            }
            return Files.size(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
