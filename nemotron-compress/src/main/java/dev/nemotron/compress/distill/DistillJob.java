package dev.nemotron.compress.distill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Parameters;
import dev.nemotron.api.io.AtomicFiles;
import dev.nemotron.train.pretrain.PretrainJob;
import dev.nemotron.train.pretrain.PretrainResult;
import dev.nemotron.train.pretrain.PretrainSpec;
import dev.nemotron.train.trainer.StepMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One logit-distillation run: pretraining's job (data, blend, schedule, held-out cross-entropy,
 * checkpoints, bit-identical resume, loss chart) minimising a KL to a frozen teacher.
 *
 * <pre>
 * 1. teacher: its model directory, loaded once, forward only (never a gradient, never a step)
 * 2. student: init_model (a pruned model) or model_config (random init); same vocabulary as the teacher
 * 3. OUT/distill.json: teacher and divergence settings; a resumed run must have the same ones
 * 4. PretrainJob minimising TeacherLoss (train loss = the KL; eval_loss = held-out cross-entropy)
 * </pre>
 */
public final class DistillJob {
    private static final Logger LOG = LogManager.getLogger(DistillJob.class);
    private static final ObjectMapper JSON = JsonMappers.json();
    static final String RECORD = "distill.json";

    private final DistillSpec spec;

    public DistillJob(DistillSpec spec) {
        this.spec = spec;
    }

    public PretrainResult run(Consumer<StepMetrics> onStep) {
        // 1. teacher
        MixerRegistry registry = MixerRegistry.discover();
        ModelDirectory teacherDir = ModelDirectory.open(spec.teacher(), registry);
        ModelGraph teacherGraph = ModelGraph.of(teacherDir.config(), registry);
        Teacher teacher = Teacher.of(new TrainableModel(teacherGraph, Parameters.load(teacherGraph, spec.teacher())));
        // 2. student's vocabulary
        PretrainSpec p = spec.pretrain();
        Path studentConfig = p.initModel() != null ? p.initModel().resolve("config.json")
                : Files.isDirectory(p.modelConfig()) ? p.modelConfig().resolve("config.json") : p.modelConfig();
        if (!Files.isRegularFile(studentConfig)) {
            throw new NemotronException(studentConfig + ": no such student model config");
        }
        NemotronHConfig student = new ConfigParser(registry).parse(studentConfig);
        if (student.vocabSize() != teacher.vocab()) {
            throw new NemotronException("the student's vocabulary (" + student.vocabSize() + ", " + studentConfig
                    + ") differs from the teacher's (" + teacher.vocab() + ", " + spec.teacher()
                    + "): logit distillation needs the same tokenizer");
        }
        // 3. the distillation record
        TeacherLoss loss = new TeacherLoss(teacher, spec.temperature(), spec.divergence(), spec.topK());
        checkRecord(p.out(), p.resume());
        LOG.info("distilling from {} ({}) into {}", spec.teacher(), loss.describe(),
                p.initModel() != null ? p.initModel() : "a random " + studentConfig);
        // 4. train
        return new PretrainJob(p).minimising(loss, "distillation (" + loss.describe() + "), held-out CE").run(onStep);
    }

    private ObjectNode record() {
        ObjectNode o = JSON.createObjectNode();
        o.put("teacher", spec.teacher().toAbsolutePath().normalize().toString());
        o.put("temperature", spec.temperature());
        o.put("divergence", spec.divergence().label());
        o.put("top_k", spec.topK());
        if (spec.postTrainingFraction() != null) {
            o.put("post_training_fraction", spec.postTrainingFraction());
        }
        return o;
    }

    /** Writes OUT/distill.json; a resumed run must distil exactly as before (else it would not continue the same run). */
    private void checkRecord(Path out, boolean resume) {
        Path file = out.resolve(RECORD);
        ObjectNode now = record();
        try {
            if (resume && Files.isRegularFile(file)) {
                JsonNode before = JSON.readTree(Files.readString(file));
                if (!before.equals(now)) {
                    throw new NemotronException(out + " was distilled with " + before + ", now " + now
                            + ": resume with the same --teacher, --temperature, --divergence, --top-k and data mix");
                }
                return;
            }
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new NemotronException(file + ": cannot read or create: " + e.getMessage(), e);
        }
        if (!resume && Files.exists(out.resolve("metrics.jsonl"))) {
            return; // PretrainJob refuses to overwrite the run, with its own message
        }
        try {
            AtomicFiles.writeString(file, now.toPrettyString() + "\n");
        } catch (IOException e) {
            throw new NemotronException(file + ": cannot write: " + e.getMessage(), e);
        }
    }
}
