package io.sfstream.bench;

import java.nio.file.Path;
import java.util.List;

/** Runtime jars of each component, as Maven resolved them for that component alone (footprint/ modules). */
final class FootprintSection {

    record Footprint(int jars, long bytes) {
        double megabytes() {
            return bytes / 1_000_000.0;
        }
    }

    private final Footprint sfstream;
    private final Footprint sfstreamPubSub;
    private final Footprint salesforce;

    FootprintSection(Classpaths classpaths) {
        this.sfstream = measure(classpaths.footprint("sfstream"));
        this.sfstreamPubSub = measure(classpaths.footprint("sfstream-pubsub"));
        this.salesforce = measure(classpaths.footprint("salesforce"));
    }

    private static Footprint measure(List<Path> paths) {
        return new Footprint(paths.size(), paths.stream().mapToLong(Classpaths::bytes).sum());
    }

    Footprint sfstream() {
        return sfstream;
    }

    /** camel-sfstream plus camel-sfstream-pubsub and their runtime dependencies (what api=PUBSUB needs). */
    Footprint sfstreamPubSub() {
        return sfstreamPubSub;
    }

    Footprint salesforce() {
        return salesforce;
    }

    String table() {
        return new Table("component", "runtime jars", "MB", "share of camel-salesforce's bytes")
            .row("camel-sfstream 0.1.0-SNAPSHOT (Streaming API only)", sfstream.jars(), Table.f("%.1f", sfstream.megabytes()),
                Table.f("%.1f%%", 100.0 * sfstream.bytes() / salesforce.bytes()))
            .row("camel-sfstream + camel-sfstream-pubsub 0.1.0-SNAPSHOT (api=PUBSUB)", sfstreamPubSub.jars(),
                Table.f("%.1f", sfstreamPubSub.megabytes()),
                Table.f("%.1f%%", 100.0 * sfstreamPubSub.bytes() / salesforce.bytes()))
            .row("camel-salesforce 4.18.0", salesforce.jars(), Table.f("%.1f", salesforce.megabytes()), "100%")
            .toString();
    }
}
