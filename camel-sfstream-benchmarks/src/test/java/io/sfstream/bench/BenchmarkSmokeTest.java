package io.sfstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Keeps the benchmark working in every build: each variant drains 2,000 events once in its own JVM against the
 * emulator's JVM (the Streaming API variants a-f from a PushTopic, the Pub/Sub API variants g-i from a platform event
 * channel over TLS), and the tables print. No figure is asserted: timings on a shared CI machine prove nothing.
 */
class BenchmarkSmokeTest {

    @Test
    void everyVariantDrainsAndTheTablesPrint() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        String report = BenchMain.run(new String[] {"--smoke"}, new PrintStream(progress, true, StandardCharsets.UTF_8));

        assertThat(report).contains("### Throughput: drain 2,000 retained events", "### Start-up", "### Runtime footprint",
            "### Targets (issue 8)");
        for (Variant variant : Variant.values()) {
            // a variant that failed to drain would have thrown; each one has its row in the throughput table
            assertThat(report).contains(variant.title());
        }
        assertThat(report).contains("camel-sfstream 0.1.0-SNAPSHOT", "camel-salesforce 4.18.0",
            "camel-sfstream + camel-sfstream-pubsub", "### Targets (issue 16, Pub/Sub API)");
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("run 1/1 N=2000 (f)", "run 1/1 N=2000 (g)",
            "run 1/1 N=2000 (h)", "run 1/1 N=2000 (i)");
    }

    @Test
    void optionsOfTheDocumentedModes() {
        assertThat(Options.parse(new String[0]).reps()).isEqualTo(5);
        assertThat(Options.parse(new String[0]).sizes()).containsExactly(20_000, 100_000);
        assertThat(Options.parse(new String[] {"--quick"}).reps()).isEqualTo(2);
        assertThat(Options.parse(new String[] {"--quick", "--reps", "3", "--variants", "a,d"}).variants())
            .containsExactly(Variant.A, Variant.D);
        assertThat(Options.parse(new String[] {"--variants", "b,d"}).memoryVariants()).containsExactly(Variant.D);
        assertThat(Options.parse(new String[] {"--variants", "d,g,h,i"}).memoryVariants())
            .containsExactly(Variant.D, Variant.G, Variant.H);
    }

    @Test
    void tableAndMedian() {
        assertThat(Table.median(java.util.List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Table.median(java.util.List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
        assertThat(new Table("a", "bb").row("xyz", 1).toString())
            .isEqualTo("| a   | bb  |\n| --- | --- |\n| xyz | 1   |\n");
    }
}
