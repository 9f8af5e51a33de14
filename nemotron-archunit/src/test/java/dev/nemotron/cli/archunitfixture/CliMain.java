package dev.nemotron.cli.archunitfixture;

import dev.nemotron.align.archunitfixture.Aligner;
import dev.nemotron.arch.archunitfixture.ArchModel;
import dev.nemotron.compress.archunitfixture.Pruner;
import dev.nemotron.eval.archunitfixture.Evaluator;
import dev.nemotron.infer.archunitfixture.InferEngine;
import dev.nemotron.train.archunitfixture.Trainer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/** Fixture: cli → everything (allowed), chooses the logging implementation and prints (allowed in cli). */
public final class CliMain {
    public static void main(String[] args) {
        Configurator.setRootLevel(Level.WARN);
        ArchModel model = new ArchModel();
        Trainer trainer = new Trainer();
        InferEngine engine = new InferEngine();
        System.out.println(new Pruner().prune(trainer, model));
        System.out.println(new Aligner().grpoStep(trainer, engine, model));
        System.out.println(new Evaluator().score(engine));
    }
}
