package io.sfstream.camel.springboot;

import io.sfstream.camel.springboot.app.OrdersApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What a Spring Boot user sees for two mistakes in application.properties: a misspelled credential key is ignored
 * and never printed (the route then fails naming the missing option), and a bad enum value fails naming the valid
 * values.
 */
@ExtendWith(OutputCaptureExtension.class)
class BindingErrorsTest {

    private static final String SECRET = "misspelled-TOPSECRET-4711";

    /** Starts the test application with arguments, which override its application.properties. */
    private static Throwable start(String... arguments) {
        return catchThrowable(() -> new SpringApplicationBuilder(OrdersApplication.class)
            .web(WebApplicationType.NONE)
            .properties("emulator.url=http://127.0.0.1:1", "spring.main.banner-mode=off")
            .run(arguments).close());
    }

    @Test
    void misspelledPasswordKeyIsNeverPrinted(CapturedOutput output) {
        Throwable error = start("--camel.component.sfstream.password=", "--camel.component.sfstream.pasword=" + SECRET);

        assertThat(error).isNotNull();
        assertThat(output.getAll()).contains("Missing Salesforce credentials").doesNotContain(SECRET);
        for (Throwable t = error; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET);
        }
    }

    @Test
    void badEnumValueListsTheValidValues(CapturedOutput output) {
        Throwable error = start("--camel.component.sfstream.body-type=XML");

        assertThat(error).isNotNull();
        assertThat(output.getAll()).contains("camel.component.sfstream.body-type")
            .contains("MAP").contains("JSON_NODE").contains("STRING").contains("POJO");
    }
}
