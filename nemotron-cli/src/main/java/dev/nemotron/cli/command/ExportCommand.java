package dev.nemotron.cli.command;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.export.ExportRequest;
import dev.nemotron.api.export.ExportResult;
import dev.nemotron.api.export.ExporterProvider;
import dev.nemotron.api.plugin.Plugins;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.infer.engine.DeviceModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron export FORMAT --model DIR --out PATH [--type T]}: writes a model in another
 * runtime's format. Formats are {@link ExporterProvider} plugins; {@code nemotron export --list}
 * names those found.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a model for another runtime (formats are plugins: onnx, gguf, ...; --list shows them).")
public final class ExportCommand implements Callable<Integer> {
    private static final Logger LOG = LogManager.getLogger(ExportCommand.class);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FORMAT", description = "The export format, e.g. onnx or gguf.")
    String format;

    @Option(names = "--model", paramLabel = "DIR", converter = ModelDirectoryOption.class,
            description = "The HF model directory to export (config.json + safetensors).")
    Path model;

    @Option(names = "--out", paramLabel = "PATH", description = "Output file or directory (the format says which).")
    Path out;

    @Option(names = {"--type", "--dtype"}, paramLabel = "T", description = "Weight type of the export (default: the format's first).")
    String type;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "A format-specific option (repeatable).")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--list", description = "List the export formats found and exit.")
    boolean list;

    @Override
    public Integer call() throws IOException {
        List<ExporterProvider> found = Plugins.load(ExporterProvider.class, ExportCommand.class.getClassLoader(), LOG::warn);
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            for (ExporterProvider p : found) {
                out.printf("%-6s %s [%s] (%s)%n", p.format(), p.description(), String.join(", ", p.weightTypes()),
                        p.availability().reason());
            }
            out.flush();
            return 0;
        }
        String names = found.stream().map(ExporterProvider::format).sorted().collect(Collectors.joining(", "));
        if (format == null) {
            throw new ParameterException(spec.commandLine(), "Missing FORMAT: name one of: " + names);
        }
        ExporterProvider provider = found.stream().filter(p -> p.format().equals(format)).findFirst()
                .orElseThrow(() -> new ParameterException(spec.commandLine(),
                        "Unknown export format '" + format + "': the formats found are " + (names.isEmpty() ? "(none)" : names)));
        if (model == null || this.out == null) {
            throw new ParameterException(spec.commandLine(), "export " + format + " needs --model DIR and --out PATH");
        }
        if (!provider.availability().available()) {
            throw new ParameterException(spec.commandLine(), "export format '" + format + "' is not available here: "
                    + provider.availability().reason());
        }
        String weightType = type != null ? type : provider.weightTypes().getFirst();
        if (!provider.weightTypes().contains(weightType)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--type': '" + weightType + "' (export "
                    + format + " writes " + String.join(", ", provider.weightTypes()) + ")");
        }
        ModelDirectory dir = ModelDirectory.open(model);
        if (dir.fp8().isPresent()) {
            throw new NemotronException(model + " is an FP8 checkpoint (quantization_config " + dir.fp8().get().label()
                    + "); export " + format + " reads BF16/F32 weights: export the model it was quantised from");
        }
        ExportResult result;
        try (Checkpoint ckpt = dir.openCheckpoint()) {
            var artifact = DeviceModels.artifact(dir, ckpt, new DeviceModels.Options(1, 1, 1, DType.F32));
            result = provider.export(new ExportRequest(model, artifact, this.out, weightType, options));
        }
        out.println(result.summary());
        out.flush();
        return 0;
    }
}
