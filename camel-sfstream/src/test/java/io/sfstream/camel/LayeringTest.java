package io.sfstream.camel;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layering of the component's packages: the Camel face at the root, the public replay store SPI, and beside it
 * {@code internal}: the delivery core, the transport seam, the transports (bayeux), login and worker leases.
 */
class LayeringTest {

    private static final String ROOT = "io.sfstream.camel";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void noPackageCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
        slices().matching(ROOT + ".internal.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theDeliveryCoreKnowsNoTransport() {
        noClasses().that().resideInAnyPackage(ROOT + ".internal.delivery..", ROOT + ".internal.transport..",
                        ROOT + ".internal.worker..", ROOT + ".replay..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".internal.bayeux..", ROOT + ".internal.login..")
                .check(CLASSES);
        noClasses().that().haveSimpleNameStartingWith("SfStreamConsumer").or().haveSimpleName("ConsumerStatus")
                .or().haveSimpleName("SfStreamDevConsole")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".internal.bayeux..", ROOT + ".internal.login..")
                .check(CLASSES);
    }

    @Test
    void noArrowRunsBackUpToTheCamelFace() {
        noClasses().that().resideInAnyPackage(ROOT + ".internal..", ROOT + ".replay..")
                .should().dependOnClassesThat(camelFace())
                .check(CLASSES);
    }

    @Test
    void internalIsNoPartOfTheDocumentedApi() {
        noClasses().that().resideInAPackage(ROOT + ".replay..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".internal..")
                .check(CLASSES);
        methods().that().arePublic().and().areDeclaredInClassesThat().arePublic()
                .and().areDeclaredInClassesThat().resideInAnyPackage(ROOT, ROOT + ".replay")
                .should(new ArchCondition<JavaMethod>("not name an internal type in their signature") {
                    @Override
                    public void check(JavaMethod method, ConditionEvents events) {
                        boolean internal = isInternal(method.getRawReturnType())
                                           || method.getRawParameterTypes().stream().anyMatch(LayeringTest::isInternal);
                        if (internal) {
                            events.add(SimpleConditionEvent.violated(method, method.getFullName()));
                        }
                    }
                })
                .allowEmptyShould(true)
                .check(CLASSES);
    }

    private static boolean isInternal(JavaClass type) {
        return type.getPackageName().startsWith(ROOT + ".internal");
    }

    /** The component, endpoint, consumer and what reads the consumer: only Camel may call into them. */
    private static DescribedPredicate<JavaClass> camelFace() {
        return DescribedPredicate.describe("the Camel face (component, endpoint, consumer, health check, dev console)",
                c -> c.getPackageName().equals(ROOT) && c.getSimpleName().matches(
                        "SfStreamComponent|SfStreamEndpoint|SfStreamConsumer|SfStreamConsumerHealthCheck"
                        + "|SfStreamDevConsole|ConsumerStatus|SfStreamEndpointBuilder.*"));
    }
}
