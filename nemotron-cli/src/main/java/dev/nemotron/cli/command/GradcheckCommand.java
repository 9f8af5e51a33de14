package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.cli.output.Json;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.check.GradientCheck;
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

    @Option(names = "--seq-len", paramLabel = "L", description = "Tokens in the checked sequence (default ${DEFAULT-VALUE}).")
    int seqLen = 13;

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
        if (seqLen < 1 || coords < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--seq-len and --coords must be positive");
        }
        TrainableModel m;
        if (model != null) {
            m = TrainableModel.load(model);
        } else {
            MixerRegistry registry = MixerRegistry.discover();
            Path file = Files.isDirectory(modelConfig) ? modelConfig.resolve("config.json") : modelConfig;
            m = TrainableModel.random(ModelGraph.of(new ConfigParser(registry).parse(file), registry), seed);
        }
        GradientCheck.Report r = GradientCheck.run(m, seqLen, coords, seed);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Json.object();
            o.put("passed", r.passed());
            o.put("loss", r.loss());
            o.put("worst_relative_error", r.worstRelativeError());
            o.put("non_smooth_coordinates", r.nonSmoothCoordinates());
            ArrayNode ts = o.putArray("tensors");
            for (GradientCheck.TensorResult t : r.tensors()) {
                ts.addObject().put("name", t.name()).put("coordinates", t.coordinates())
                        .put("non_smooth", t.nonSmooth())
                        .put("relative_error", t.relativeError()).put("passed", t.passed());
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
            out.flush();
        }
        return r.passed() ? 0 : 1;
    }
}
