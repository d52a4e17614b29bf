package io.sfstream.camel;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an option of {@link SfStreamConfiguration} whose value defines a session: endpoints whose marked options are
 * equal share one session ({@link SfStreamConfiguration#sessionKey()}). Credentials, login, network, TLS and reconnect
 * options are marked; options of one endpoint's delivery are not.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@interface SessionOption {
}
