package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.cli.train.TrainingInputs;
import dev.nemotron.cli.train.TrainingProgress;
import dev.nemotron.compress.distill.DistillJob;
import dev.nemotron.compress.distill.DistillSpec;
import dev.nemotron.train.pretrain.PretrainResult;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nemotron distill}: logit distillation of a student (a pruned model, {@code --student})
 * from a frozen teacher ({@code --teacher}), with every flag of {@code pretrain} (data, schedule,
 * held-out loss, checkpoints, {@code --resume}). See docs/nas-and-distillation.md.
 */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "Distil a student model from a frozen teacher's logits (forward KL at temperature T by default); pretrain's flags apply.")
public final class DistillCommand extends PretrainCommand {
    @Option(names = "--teacher", paramLabel = "DIR", description = "The frozen teacher's model directory (forward only).")
    String teacher;

    @Option(names = "--student", paramLabel = "DIR", description = "The student's model directory, e.g. a pruned model (same as --init-model).")
    String student;

    @Option(names = "--temperature", paramLabel = "T", description = "Softmax temperature of both distributions; the loss is scaled by T^2 (default 1).")
    Double temperature;

    @Option(names = "--divergence", paramLabel = "forward|reverse", description = "forward: KL(teacher || student) (default); reverse: KL(student || teacher).")
    String divergence;

    @Option(names = "--top-k", paramLabel = "K", description = "Compare the distributions on the teacher's K most likely tokens only (default 0: the whole vocabulary).")
    Integer topK;

    @Option(names = "--post-training-data", paramLabel = "FILE_OR_DATASET", description = "With --pretraining-data: the data mix, instead of --data.")
    String postTrainingData;

    @Option(names = "--pretraining-data", paramLabel = "FILE_OR_DATASET", description = "The pretraining share of the data mix.")
    String pretrainingData;

    @Option(names = "--post-training-fraction", paramLabel = "F", description = "Share of post-training data in the mix (default 0.7, the paper's best).")
    Double postTrainingFraction;

    @Override
    protected void overlayMore(ObjectNode node) {
        if (student != null) {
            ModelDirectoryOption.check(spec, "--student", student);
            node.put("student", student);
        }
        if (teacher != null) {
            ModelDirectoryOption.check(spec, "--teacher", teacher);
            node.put("teacher", teacher);
        }
        if (temperature != null) {
            node.put("temperature", temperature);
        }
        if (divergence != null) {
            node.put("divergence", divergence);
        }
        if (topK != null) {
            node.put("top_k", topK);
        }
        if (postTrainingData != null) {
            node.put("post_training_data", postTrainingData);
        }
        if (pretrainingData != null) {
            node.put("pretraining_data", pretrainingData);
        }
        if (postTrainingFraction != null) {
            node.put("post_training_fraction", postTrainingFraction);
        }
        DistillSpec.normalise(node, "distill");
    }

    @Override
    protected PretrainResult train(ObjectNode node, Path cwd, String source) {
        new TrainingInputs(node, cwd).resolveInto(node);
        DistillSpec s = DistillSpec.parse(node, source, cwd);
        TrainingProgress progress = new TrainingProgress(s.pretrain().steps(), spec.commandLine().getErr());
        PretrainResult r = new DistillJob(s).run(progress);
        progress.finish();
        return r;
    }
}
