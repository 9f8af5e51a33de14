package dev.nemotron.archunit;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.nemotron.align.archunitfixture.Aligner;
import dev.nemotron.api.archunitfixture.ApiNullable;
import dev.nemotron.api.archunitfixture.ApiValue;
import dev.nemotron.arch.archunitfixture.ArchModel;
import dev.nemotron.backend.archunitfixture.FakeBackend;
import dev.nemotron.cli.archunitfixture.CliMain;
import dev.nemotron.compress.archunitfixture.Pruner;
import dev.nemotron.eval.archunitfixture.Evaluator;
import dev.nemotron.infer.archunitfixture.InferEngine;
import dev.nemotron.pipeline.archunitfixture.PipelineRunner;
import dev.nemotron.plugins.archunitfixture.ExamplePlugin;
import dev.nemotron.text.archunitfixture.TextTokenizer;
import dev.nemotron.train.archunitfixture.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Imports of the test fixtures, each chosen class by class so that one test sees one situation. */
final class Fixtures {
    /** A complete, compliant miniature SDK: every module and both kinds of plugin. */
    static final List<Class<?>> COMPLIANT_SDK = List.of(
        ApiValue.class, ApiNullable.class, ArchModel.class, Trainer.class, Pruner.class,
        InferEngine.class, Aligner.class, Evaluator.class, CliMain.class, FakeBackend.class,
        ExamplePlugin.class, TextTokenizer.class, PipelineRunner.class);

    private Fixtures() {
    }

    static JavaClasses importClasses(Class<?>... classes) {
        return new ClassFileImporter().importClasses(classes);
    }

    /** The compliant SDK plus the given classes. */
    static JavaClasses compliantSdkWith(Class<?>... more) {
        List<Class<?>> all = new ArrayList<>(COMPLIANT_SDK);
        all.addAll(Arrays.asList(more));
        return new ClassFileImporter().importClasses(all);
    }

    /** The report of the rule's violations (empty when it passes). */
    static String report(ArchRule rule, JavaClasses classes) {
        EvaluationResult result = rule.evaluate(classes);
        return String.join("\n", result.getFailureReport().getDetails());
    }
}
