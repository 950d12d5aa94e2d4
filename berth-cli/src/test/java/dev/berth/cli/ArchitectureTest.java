package dev.berth.cli;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Module dependencies point one way: the CLI (and later the daemon) on the feature modules, the feature modules on
 * berth-oci, berth-oci on nothing of Berth's. Maven already refuses cycles between modules; this also keeps the
 * packages inside berth-oci free of cycles and stops a feature module reaching into the CLI.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.berth");
    }

    @Test
    void dependenciesPointTowardBerthOci() {
        layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true)
                .layer("cli").definedBy("dev.berth.cli..", "dev.berth.daemon..")
                .layer("features").definedBy("dev.berth.registry..", "dev.berth.runtime..", "dev.berth.build..",
                        "dev.berth.model..", "dev.berth.kube..", "dev.berth.tiny..")
                .layer("oci").definedBy("dev.berth.oci..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("features").mayOnlyBeAccessedByLayers("cli", "features")
                .whereLayer("oci").mayOnlyBeAccessedByLayers("features", "cli")
                .check(classes);
    }

    @Test
    void modulesAreFreeOfCycles() {
        slices().matching("dev.berth.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void packagesInsideBerthOciAreFreeOfCycles() {
        slices().matching("dev.berth.oci.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theRuleSeesBothModules() {
        // A rule over an empty import passes vacuously: make sure the classes are really there.
        org.assertj.core.api.Assertions.assertThat(classes.containPackage("dev.berth.oci.store")).isTrue();
        org.assertj.core.api.Assertions.assertThat(classes.containPackage("dev.berth.cli")).isTrue();
    }
}
