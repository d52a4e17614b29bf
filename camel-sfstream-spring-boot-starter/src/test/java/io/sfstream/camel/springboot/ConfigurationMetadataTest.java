package io.sfstream.camel.springboot;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every option in the component's metadata is a Spring Boot property with its description in
 * spring-configuration-metadata.json (IDE completion), its default where it has one and its values where it is an
 * enum.
 */
class ConfigurationMetadataTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyComponentOptionHasSpringBootMetadata() throws Exception {
        JsonNode component = read("META-INF/io/sfstream/camel/sfstream.json").get("componentProperties");
        JsonNode spring = read("META-INF/spring-configuration-metadata.json");
        Map<String, JsonNode> properties = new HashMap<>();
        spring.get("properties").forEach(p -> properties.put(p.get("name").asText(), p));
        Map<String, JsonNode> hints = new HashMap<>();
        spring.get("hints").forEach(h -> hints.put(h.get("name").asText(), h));

        assertThat(component.size()).isGreaterThan(40);
        for (Iterator<Map.Entry<String, JsonNode>> it = component.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> option = it.next();
            String name = "camel.component.sfstream." + kebab(option.getKey());
            assertThat(properties).as(name).containsKey(name);
            JsonNode property = properties.get(name);
            assertThat(property.path("description").asText()).as(name + " description").isNotBlank();
            assertThat(property.path("sourceType").asText()).isEqualTo(SfStreamComponentConfiguration.class.getName());
            if (option.getValue().has("defaultValue")) {
                assertThat(property.has("defaultValue")).as(name + " default").isTrue();
            }
            if (option.getValue().has("enum")) {
                java.util.List<String> values = new java.util.ArrayList<>();
                option.getValue().get("enum").forEach(v -> values.add(v.asText()));
                assertThat(hints.get(name).get("values").findValuesAsText("value")).as(name + " values")
                    .containsExactlyElementsOf(values);
            }
        }
        assertThat(properties.get("camel.component.sfstream.max-pending-count").get("defaultValue").asInt()).isEqualTo(100);
        assertThat(properties.get("camel.component.sfstream.body-type").get("type").asText())
            .isEqualTo("io.sfstream.camel.BodyType");
    }

    private static JsonNode read(String resource) throws Exception {
        try (InputStream in = ConfigurationMetadataTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return JSON.readTree(in);
        }
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
