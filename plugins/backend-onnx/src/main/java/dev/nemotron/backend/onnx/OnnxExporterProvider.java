package dev.nemotron.backend.onnx;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.export.ExportRequest;
import dev.nemotron.api.export.ExportResult;
import dev.nemotron.api.export.ExporterProvider;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.backend.onnx.export.ModelIdentity;
import dev.nemotron.backend.onnx.export.OnnxExport;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * {@code nemotron export onnx --model DIR --out DIR [--dtype f32|f16|bf16]}: the prefill and decode
 * graphs in standard ONNX (opset 17, no custom operators) with their weights in one external data
 * file; docs/onnx.md names every input and output. Writing needs no native library, so the
 * format is always available.
 */
public final class OnnxExporterProvider implements ExporterProvider {
    @Override
    public String format() {
        return "onnx";
    }

    @Override
    public String description() {
        return "ONNX opset 17 prefill + decode graphs, external weights (ONNX Runtime, onnxruntime-node/web, ...)";
    }

    @Override
    public Availability availability() {
        return Availability.available("writes ONNX with protobuf; no native library needed");
    }

    @Override
    public List<String> weightTypes() {
        return List.of("f32", "f16", "bf16");
    }

    @Override
    public ExportResult export(ExportRequest request) throws IOException {
        DType type = switch (request.weightType().toLowerCase(Locale.ROOT)) {
            case "f32" -> DType.F32;
            case "f16" -> DType.F16;
            case "bf16" -> DType.BF16;
            default -> throw new NemotronException("ONNX weight type '" + request.weightType()
                    + "' is not one of f32, f16, bf16; pass --dtype f32, f16 or bf16");
        };
        if (!request.options().isEmpty()) {
            throw new NemotronException("export onnx takes no --option (got " + request.options().keySet() + ")");
        }
        var spec = request.model().spec();
        OnnxExport.Written w = OnnxExport.write(spec, ModelIdentity.of(spec), type, request.output());
        return new ExportResult(w.files(), String.format(Locale.ROOT,
                "wrote ONNX (opset %d, %s weights, %,d parameters, %.1f MB) to %s: prefill.onnx, decode.onnx, weights.bin",
                OnnxExport.OPSET, request.weightType(), w.parameters(), w.bytes() / 1e6, request.output()));
    }
}
