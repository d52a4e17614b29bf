package io.sfstream.camel;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PropertyBindingSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A value that is none of an enum option's constants fails naming the option and listing its valid values, on an
 * endpoint URI and as a component property (camel.component.sfstream.* in Camel Main binds the same way); the
 * accepted spellings stay those of Camel's own conversion.
 */
class EnumOptionErrorsTest {

    private final CamelContext context = new DefaultCamelContext();

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    private static String chain(Throwable error) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            messages.add(t.getMessage());
        }
        return String.join("\n caused by ", messages);
    }

    @Test
    void badBodyTypeOnAnEndpointNamesTheOptionAndItsValues() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("sfstream:/topic/X?bodyType=XML&accessToken=t&instanceUrl=http://127.0.0.1:1").to("mock:out");
            }
        });
        Throwable error = catchThrowable(context::start);

        assertThat(chain(error)).contains("Invalid bodyType 'XML': expected one of MAP, JSON_NODE, STRING, POJO, GENERIC_RECORD");
    }

    @Test
    void everyEnumOptionOfTheComponentNamesItsValuesWhenBoundAsAComponentProperty() throws Exception {
        JsonNode properties;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/io/sfstream/camel/sfstream.json")) {
            properties = new ObjectMapper().readTree(in).get("componentProperties");
        }
        int enums = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> option = it.next();
            if (!option.getValue().path("type").asText().equals("enum")) {
                continue;
            }
            enums++;
            SfStreamComponent component = new SfStreamComponent();
            context.addComponent("sfstream" + enums, component);
            Throwable error = catchThrowable(() -> PropertyBindingSupport.build().withCamelContext(context)
                .withTarget(component).withConfigurer(component.getComponentPropertyConfigurer())
                .withProperties(Map.of(option.getKey(), "Bogus")).bind());
            List<String> values = new ArrayList<>();
            option.getValue().get("enum").forEach(v -> values.add(v.asText()));

            assertThat(chain(error)).as(option.getKey())
                .contains("Invalid " + option.getKey() + " 'Bogus': expected one of " + String.join(", ", values));
        }
        assertThat(enums).isGreaterThanOrEqualTo(5);
    }

    @Test
    void camelsSpellingsOfAConstantStillBind() {
        assertThat(SfStreamEnumConverters.toBodyType("json-node")).isEqualTo(BodyType.JSON_NODE);
        assertThat(SfStreamEnumConverters.toReplayCommit("on_receive")).isEqualTo(ReplayCommit.ON_RECEIVE);
        assertThat(SfStreamEnumConverters.toWorkerStrategy(" WAIT_FOR_FREE ")).isEqualTo(WorkerStrategy.WAIT_FOR_FREE);
    }
}
