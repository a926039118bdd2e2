package dsys.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.RandomAccessFile;
import java.time.Instant;
import java.time.LocalDateTime;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * DESIGN principle 1, checked on the bytecode: an algorithm core is plain Java. It reaches the world only through
 * its {@code Env} (messages, timers, clock, storage, events), so the simulator can run it deterministically.
 * Every service applies this to its own packages, leaving out its adapters (controllers, configuration, servers).
 */
public final class CoreRules {

    private CoreRules() {
    }

    /** The main classes (not tests) of {@code rootPackage} and below. */
    public static JavaClasses mainClasses(String rootPackage) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(rootPackage);
    }

    /**
     * No class in {@code cores} (ArchUnit package patterns, e.g. {@code "dsys.lock.."}) outside {@code adapters}
     * uses a framework, the network, files, threads or the wall clock.
     */
    public static ArchRule coresArePlainJava(String[] cores, String... adapters) {
        ArchRule noFrameworksOrIo = noClasses().that().resideInAnyPackage(cores).and().resideOutsideOfPackages(adapters)
                .should().dependOnClassesThat(resideInAnyPackage("org.springframework..", "jakarta..",
                        "org.apache.kafka..", "com.fasterxml..", "io.micrometer..", "java.net..", "java.nio.file..",
                        "java.nio.channels..", "java.util.concurrent..")
                        .or(belongToAnyOf(File.class, FileInputStream.class, FileOutputStream.class,
                                RandomAccessFile.class, Thread.class)))
                .because("a core talks to the world through its Env only (messages, timers, clock, storage, events)");
        ArchRule noWallClock = noClasses().that().resideInAnyPackage(cores).and().resideOutsideOfPackages(adapters)
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Instant.class, "now")
                .orShould().callMethod(LocalDateTime.class, "now")
                .because("time comes from Env.nanoTime() and the node's clock, which the simulator drives");
        return CompositeArchRule.of(noFrameworksOrIo).and(noWallClock);
    }
}
