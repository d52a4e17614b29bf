package io.sfstream.camel.springboot.app;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.sfstream.camel.SfStreamConstants;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

/**
 * A plain Spring Boot application with one sfstream route: the route names only the channel; every option comes from
 * application.properties through the starter.
 */
@SpringBootApplication
public class OrdersApplication {

    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }

    /** The replayIds the route received, in order. */
    @Bean
    public ReceivedEvents receivedEvents() {
        return new ReceivedEvents();
    }

    @Component
    static class OrdersRoute extends RouteBuilder {

        private final ReceivedEvents received;

        OrdersRoute(ReceivedEvents received) {
            this.received = received;
        }

        @Override
        public void configure() {
            from("sfstream:{{orders.channel}}").routeId("orders")
                .process(e -> received.replayIds().add(e.getMessage().getHeader(SfStreamConstants.REPLAY_ID, Long.class)));
        }
    }

    public record ReceivedEvents(List<Long> replayIds) {
        public ReceivedEvents() {
            this(new CopyOnWriteArrayList<>());
        }
    }
}
