package dev.nemotron.api.export;

import dev.nemotron.api.backend.Availability;
import java.io.IOException;
import java.util.List;

/**
 * Service provider of one export format ({@code onnx}, {@code gguf}, ...), discovered with
 * {@link java.util.ServiceLoader}; {@code nemotron export FORMAT} dispatches to it by
 * {@link #format()}.
 *
 * <p>Like {@link dev.nemotron.api.backend.BackendProvider}: cheap to construct, never failing;
 * what can go wrong on this machine is reported through {@link #availability()}.
 */
public interface ExporterProvider {
    /** Short, stable, lower-case format name, e.g. {@code "onnx"}. */
    String format();

    /** One line for listings: what the export is and which runtimes load it. */
    String description();

    /** Whether this exporter can run here, with a reason either way. */
    Availability availability();

    /** The weight types {@link ExportRequest#weightType()} may name, the default first (e.g. {@code f32, f16, bf16}). */
    List<String> weightTypes();

    /**
     * Writes the export of {@code request.model()} to {@code request.output()}, atomically: on
     * failure no partial export is left under the output name.
     *
     * @throws dev.nemotron.api.NemotronException for a model or option this format cannot express, or an
     *                                             export in the way (message: one line naming it and the fix)
     * @throws IOException              when reading the model or writing the output fails
     */
    ExportResult export(ExportRequest request) throws IOException;
}
