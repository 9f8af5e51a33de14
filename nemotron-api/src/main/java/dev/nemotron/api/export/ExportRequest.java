package dev.nemotron.api.export;

import dev.nemotron.api.backend.ModelArtifact;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What to export and where.
 *
 * @param modelDirectory the HF model directory the model was read from (tokenizer files, chat
 *                       template and generation config live there)
 * @param model          the model as the SDK parsed it: config, pattern, per-layer dims, weights
 * @param output         the file or directory to write (the format says which)
 * @param weightType     one of the provider's {@link ExporterProvider#weightTypes()}
 * @param options        format-specific options ({@code key=value} from the command line)
 */
public record ExportRequest(Path modelDirectory, ModelArtifact.HfModel model, Path output, String weightType,
                            Map<String, String> options) {
    public ExportRequest {
        Objects.requireNonNull(modelDirectory, "modelDirectory");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(weightType, "weightType");
        options = Map.copyOf(options);
    }
}
