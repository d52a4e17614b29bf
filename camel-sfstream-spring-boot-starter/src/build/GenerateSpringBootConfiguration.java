import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Build-time generator of the starter's {@code @ConfigurationProperties} class, run by the exec plugin as a
 * single-file Java program with the module's compile classpath.
 *
 * <p>Input: the component JSON that camel-component-maven-plugin writes from the component's annotations
 * ({@code META-INF/io/sfstream/camel/sfstream.json} inside the camel-sfstream jar). Output: one property per
 * component option under {@code camel.component.<scheme>}, with its description as Javadoc (read by Spring Boot's
 * configuration processor for {@code spring-configuration-metadata.json}), and
 * {@code META-INF/additional-spring-configuration-metadata.json} with each option's default and enum values.
 *
 * <p>An option of a type this generator does not know fails the build instead of being left out.
 *
 * <p>Arguments: component JSON resource, target package, source output directory, resource output directory.
 */
public final class GenerateSpringBootConfiguration {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Option(String name, String type, String javaType, String propertyType, String description,
                          JsonNode defaultValue, List<String> enumValues) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: <component json resource> <package> <source dir> <resource dir>");
        }
        JsonNode root;
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(args[0])) {
            if (in == null) {
                throw new IllegalStateException(args[0] + " is not on the classpath: is the component a dependency?");
            }
            root = JSON.readTree(in);
        }
        JsonNode component = root.required("component");
        String scheme = component.required("scheme").asText();
        String componentClass = component.required("javaType").asText();
        String simpleName = componentClass.substring(componentClass.lastIndexOf('.') + 1);
        String className = simpleName.replaceFirst("Component$", "") + "ComponentConfiguration";
        String prefix = "camel.component." + scheme;

        List<Option> options = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : root.required("componentProperties").properties()) {
            options.add(option(entry.getKey(), entry.getValue()));
        }

        String pkg = args[1];
        Path sourceDir = Path.of(args[2]).resolve(pkg.replace('.', '/'));
        Files.createDirectories(sourceDir);
        Files.writeString(sourceDir.resolve(className + ".java"),
            source(pkg, className, prefix, scheme, component.path("title").asText(scheme), options),
            StandardCharsets.UTF_8);

        Path metaInf = Path.of(args[3]).resolve("META-INF");
        Files.createDirectories(metaInf);
        Files.writeString(metaInf.resolve("additional-spring-configuration-metadata.json"),
            additionalMetadata(prefix, scheme, options), StandardCharsets.UTF_8);
    }

    private static Option option(String name, JsonNode json) {
        String type = json.required("type").asText();
        String javaType = json.required("javaType").asText();
        List<String> enumValues = new ArrayList<>();
        json.path("enum").forEach(v -> enumValues.add(v.asText()));
        String propertyType = switch (type) {
            case "boolean" -> "java.lang.Boolean";
            case "integer" -> javaType.equals("long") || javaType.equals("java.lang.Long")
                ? "java.lang.Long" : "java.lang.Integer";
            case "number" -> javaType.equals("float") || javaType.equals("java.lang.Float")
                ? "java.lang.Float" : "java.lang.Double";
            case "duration" -> "java.time.Duration";
            // bound as the enum itself: Spring Boot names the valid values when a value does not match
            case "enum" -> enumValues.isEmpty() ? "java.lang.String" : javaType;
            // text (a class name for Class options), handed to Camel's own type conversion
            case "string" -> "java.lang.String";
            // a bean reference (#name) or, where the option takes one, its text form; Camel resolves both
            case "object" -> "java.lang.String";
            default -> throw new IllegalStateException("option " + name + " has type " + type
                + ", which the starter generator does not map: extend GenerateSpringBootConfiguration");
        };
        String description = json.path("description").asText("");
        if (type.equals("object")) {
            description = description + (description.endsWith(".") ? "" : ".")
                + " The option is a " + javaType + " type; set it as a bean reference (#name)"
                + (javaType.equals("java.lang.Object") ? " or its text form" : "") + ".";
        }
        return new Option(name, type, javaType, propertyType, description, json.get("defaultValue"), enumValues);
    }

    private static String source(String pkg, String className, String prefix, String scheme, String title,
                                 List<Option> options) {
        StringBuilder s = new StringBuilder();
        s.append("// Generated by camel-sfstream-spring-boot-starter/src/build/GenerateSpringBootConfiguration.java\n");
        s.append("// from the component's metadata. Do not edit: every build writes it again.\n");
        s.append("package ").append(pkg).append(";\n\n");
        s.append("import java.util.LinkedHashMap;\n");
        s.append("import java.util.Map;\n\n");
        s.append("import org.springframework.boot.context.properties.ConfigurationProperties;\n\n");
        s.append("/**\n * The options of the ").append(title).append(" component (").append(scheme)
            .append("), set under {@code ").append(prefix).append("}.\n */\n");
        s.append("@ConfigurationProperties(prefix = \"").append(prefix).append("\")\n");
        s.append("public class ").append(className).append(" {\n\n");
        s.append("    /**\n     * Whether to enable auto configuration of the ").append(scheme)
            .append(" component. This is enabled by default.\n     */\n");
        s.append("    private Boolean enabled;\n\n");
        for (Option o : options) {
            s.append("    /**\n     * ").append(javadoc(o.description())).append("\n     */\n");
            s.append("    private ").append(o.propertyType()).append(' ').append(o.name()).append(";\n\n");
        }
        accessors(s, "java.lang.Boolean", "enabled");
        for (Option o : options) {
            accessors(s, o.propertyType(), o.name());
        }
        s.append("    /** The options set, by their names in the component's metadata, in metadata order. */\n");
        s.append("    public Map<String, Object> toOptions() {\n");
        s.append("        Map<String, Object> options = new LinkedHashMap<>();\n");
        for (Option o : options) {
            s.append("        if (").append(o.name()).append(" != null) {\n");
            s.append("            options.put(\"").append(o.name()).append("\", ").append(o.name()).append(");\n");
            s.append("        }\n");
        }
        s.append("        return options;\n    }\n}\n");
        return s.toString();
    }

    private static void accessors(StringBuilder s, String type, String name) {
        String cap = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        s.append("    public ").append(type).append(" get").append(cap).append("() {\n");
        s.append("        return ").append(name).append(";\n    }\n\n");
        s.append("    public void set").append(cap).append('(').append(type).append(' ').append(name).append(") {\n");
        s.append("        this.").append(name).append(" = ").append(name).append(";\n    }\n\n");
    }

    private static String javadoc(String text) {
        return text.replace("*/", "*&#47;").replace("\n", "\n     * ");
    }

    private static String additionalMetadata(String prefix, String scheme, List<Option> options) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode properties = root.putArray("properties");
        ArrayNode hints = root.putArray("hints");
        for (Option o : options) {
            String name = prefix + "." + kebab(o.name());
            if (o.defaultValue() != null && !o.defaultValue().isNull()) {
                ObjectNode p = properties.addObject();
                p.put("name", name);
                p.put("type", o.propertyType());
                p.set("defaultValue", o.type().equals("duration") ? JSON.getNodeFactory().textNode(
                    duration(o.defaultValue().asText())) : o.defaultValue());
            }
            if (!o.enumValues().isEmpty()) {
                ObjectNode h = hints.addObject();
                h.put("name", name);
                ArrayNode values = h.putArray("values");
                o.enumValues().forEach(v -> values.addObject().put("value", v));
            }
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    /** Camel writes "0" for a zero duration; Spring Boot reads a bare number as milliseconds, so keep it readable. */
    private static String duration(String camel) {
        return camel.equals("0") ? "0s" : camel;
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
