package io.sfstream.camel;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every option and header in the generated component metadata is described in the README and in the component's
 * AsciiDoc page, so the docs cannot fall behind the code.
 */
class DocumentedOptionsTest {

    @ParameterizedTest
    @ValueSource(strings = { "../README.md", "src/main/docs/sfstream-component.adoc" })
    void everyOptionAndHeaderIsDocumented(String document) throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/io/sfstream/camel/sfstream.json")) {
            assertThat(in).as("generated component JSON on the classpath").isNotNull();
            metadata = new ObjectMapper().readTree(in);
        }
        List<String> names = new ArrayList<>();
        metadata.path("properties").fieldNames().forEachRemaining(names::add);
        metadata.path("componentProperties").fieldNames().forEachRemaining(names::add);
        metadata.path("headers").fieldNames().forEachRemaining(names::add);
        names.removeAll(List.of("channel", "configuration", "autowiredEnabled", "lazyStartProducer"));
        assertThat(names).hasSizeGreaterThan(15);

        String text = Files.readString(Path.of(document));
        List<String> missing = names.stream().distinct().filter(name -> !text.contains("`" + name + "`")).toList();
        assertThat(missing).as("options or headers not described in " + document).isEmpty();
    }
}
