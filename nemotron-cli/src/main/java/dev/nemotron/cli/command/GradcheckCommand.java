package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.cli.output.Json;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.train.autodiff.check.GradientCheck;
import dev.nemotron.train.autodiff.check.PackedCheck;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nemotron gradcheck}: finite-difference gradient checks of every parameter tensor, for any model shape. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
        description = "Check the float64 backward pass against finite differences on a model of any shape (exit 1 on a mismatch).")
public final class GradcheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model-config", paramLabel = "CONFIG.json", description = "A config.json (random weights) ...")
    Path modelConfig;

    @Option(names = "--model", converter = ModelDirectoryOption.class, paramLabel = "DIR", description = "... or a model directory (its weights).")
    Path model;

    @Option(names = "--seq-len", paramLabel = "L", description = "Tokens in the checked sequence (default 13).")
    Integer seqLen;

    @Option(names = "--segments", split = ",", paramLabel = "N,N,...",
            description = "Check a packed row of samples of these lengths instead: the segmented backward against "
                    + "finite differences, and the packed row against its samples one by one (loss, logits, every gradient).")
    int[] segments;

    @Option(names = "--coords", paramLabel = "K", description = "Coordinates checked per tensor (default ${DEFAULT-VALUE}).")
    int coords = 6;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of weights, tokens and coordinates (default ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Override
    public Integer call() {
        if ((modelConfig == null) == (model == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give exactly one of --model-config and --model");
        }
        if (seqLen != null && segments != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give --seq-len or --segments, not both (the segments' lengths add up to the row length)");
        }
        if ((seqLen != null && seqLen < 1) || coords < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--seq-len and --coords must be positive");
        }
        Segments seg;
        try {
            seg = segments == null ? Segments.single(seqLen == null ? 13 : seqLen) : Segments.of(segments);
        } catch (NemotronException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--segments: " + e.getMessage());
        }
        TrainableModel m;
        if (model != null) {
            m = TrainableModel.load(model);
        } else {
            MixerRegistry registry = MixerRegistry.discover();
            Path file = Files.isDirectory(modelConfig) ? modelConfig.resolve("config.json") : modelConfig;
            m = TrainableModel.random(ModelGraph.of(new ConfigParser(registry).parse(file), registry), seed);
        }
        GradientCheck.Report r = GradientCheck.run(m, seg, coords, seed);
        PackedCheck.Report packed = seg.isSingle() ? null : PackedCheck.run(m, seg, seed);
        boolean passed = r.passed() && (packed == null || packed.passed());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Json.object();
            o.put("passed", passed);
            o.put("loss", r.loss());
            o.put("worst_relative_error", r.worstRelativeError());
            o.put("non_smooth_coordinates", r.nonSmoothCoordinates());
            ArrayNode ts = o.putArray("tensors");
            for (GradientCheck.TensorResult t : r.tensors()) {
                ts.addObject().put("name", t.name()).put("coordinates", t.coordinates())
                        .put("non_smooth", t.nonSmooth())
                        .put("relative_error", t.relativeError()).put("passed", t.passed());
            }
            if (packed != null) {
                ObjectNode p = o.putObject("packed");
                p.put("passed", packed.passed());
                p.put("tolerance", PackedCheck.TOLERANCE);
                p.put("logits_error", packed.logitsError());
                p.put("loss_error", packed.lossError());
                p.put("worst_gradient_error", packed.worstGradientError());
            }
            Json.print(out, o);
        } else {
            for (GradientCheck.TensorResult t : r.tensors()) {
                out.printf("%-4s %-52s %3d coords  rel err %.2e%s%n", t.passed() ? "ok" : "FAIL", t.name(), t.coordinates(),
                        t.relativeError(), t.nonSmooth() == 0 ? "" : "  (" + t.nonSmooth() + " skipped: non-smooth)");
            }
            out.printf("%s: %d tensors, worst relative error %.2e (tolerance %.0e relative + %.0e absolute)%s%n",
                    r.passed() ? "passed" : "FAILED", r.tensors().size(), r.worstRelativeError(), GradientCheck.REL_TOL,
                    GradientCheck.ABS_TOL, r.nonSmoothCoordinates() == 0 ? "" : "; " + r.nonSmoothCoordinates()
                            + (r.nonSmoothCoordinates() == 1 ? " coordinate" : " coordinates")
                            + " skipped: the loss is not smooth within the stencil there (e.g. a relu² kink)");
            if (packed != null) {
                out.printf("%s: packed row %s against its samples one by one: logits %.2e, loss %.2e, worst gradient "
                                + "%.2e (tolerance %.0e relative)%n", packed.passed() ? "passed" : "FAILED", seg,
                        packed.logitsError(), packed.lossError(), packed.worstGradientError(), PackedCheck.TOLERANCE);
            }
            out.flush();
        }
        return passed ? 0 : 1;
    }
}
