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
        if (variant == Variant.A || variant == Variant.B) {
            // the bare clients read the credential constants from the emulator's jar, nothing else of it
            bench.stream().filter(p -> p.contains("camel-sfstream-emulator")).forEach(kept::add);
        }
        return join(kept);
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
