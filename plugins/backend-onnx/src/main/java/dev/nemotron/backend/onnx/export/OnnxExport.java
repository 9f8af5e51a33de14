package dev.nemotron.backend.onnx.export;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.DeviceModelSpec;
import dev.nemotron.api.io.AtomicFiles;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.backend.onnx.graph.HybridGraph;
import dev.nemotron.backend.onnx.graph.IoNames;
import dev.nemotron.backend.onnx.graph.ModelShape;
import dev.nemotron.backend.onnx.graph.WeightWriter;
import dev.nemotron.backend.onnx.proto.Onnx.GraphProto;
import dev.nemotron.backend.onnx.proto.Onnx.ModelProto;
import dev.nemotron.backend.onnx.proto.Onnx.OperatorSetIdProto;
import dev.nemotron.backend.onnx.proto.Onnx.StringStringEntryProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes an ONNX export directory: {@code prefill.onnx}, {@code decode.onnx} and their shared
 * external data file {@code weights.bin} (docs/onnx.md). The directory is built next to its
 * final name and renamed into place, so a failed export leaves nothing under that name.
 */
public final class OnnxExport {
    /** ONNX IR version 8 with the default opset 17 (ONNX 1.12+; every ONNX Runtime since 1.12). */
    public static final long IR_VERSION = 8;
    public static final long OPSET = 17;
    /** Bumped when the graphs' contract changes: older exports are then re-made (cache) or refused. */
    public static final String FORMAT_VERSION = "1";
    public static final String FORMAT_KEY = "nemotron.onnx_format";
    public static final String GRAPH_KEY = "nemotron.graph";
    public static final String WEIGHT_TYPE_KEY = "nemotron.weight_type";

    private OnnxExport() {
    }

    /** What was written. */
    public record Written(List<Path> files, long parameters, long bytes) {
    }

    /**
     * Exports {@code spec} to the directory {@code out} (which must not exist, or be empty).
     *
     * @param type F32, F16 or BF16
     */
    public static Written write(DeviceModelSpec spec, ModelIdentity identity, DType type, Path out) throws IOException {
        ModelShape shape = ModelShape.of(spec);
        Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target) && !(Files.isDirectory(target) && isEmpty(target))) {
            throw new NemotronException("output " + out + " already exists; remove it or choose another --out");
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "." + target.getFileName() + ".partial-");
        if (Files.getFileStore(staging).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        long parameters;
        try {
            try (WeightWriter weights = new WeightWriter(spec.weights(), type, staging)) {
                for (HybridGraph.Kind kind : HybridGraph.Kind.values()) {
                    GraphProto graph = HybridGraph.build(kind, shape, weights);
                    ModelProto model = model(graph, identity, kind, type);
                    Path file = staging.resolve(kind == HybridGraph.Kind.PREFILL ? IoNames.PREFILL_FILE : IoNames.DECODE_FILE);
                    try (OutputStream os = Files.newOutputStream(file)) {
                        model.writeTo(os);
                    }
                    AtomicFiles.force(file);
                }
                parameters = weights.elementCount();
            }
            if (Files.isDirectory(target)) {
                Files.delete(target);
            }
            AtomicFiles.move(staging, target);
        } catch (IOException | RuntimeException e) {
            deleteTree(staging);
            throw e;
        }
        List<Path> files = Stream.of(IoNames.PREFILL_FILE, IoNames.DECODE_FILE, WeightWriter.FILE_NAME)
                .map(target::resolve).toList();
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        return new Written(files, parameters, bytes);
    }

    private static ModelProto model(GraphProto graph, ModelIdentity identity, HybridGraph.Kind kind, DType type) {
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("nemotron-sdk-java")
                .setProducerVersion(FORMAT_VERSION).setGraph(graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setDocString("Nemotron-H " + kind.name().toLowerCase(java.util.Locale.ROOT) + " graph; see docs/onnx.md");
        Map<String, String> meta = new java.util.LinkedHashMap<>();
        meta.put(FORMAT_KEY, FORMAT_VERSION);
        meta.put(GRAPH_KEY, kind.name().toLowerCase(java.util.Locale.ROOT));
        meta.put(WEIGHT_TYPE_KEY, type.name().toLowerCase(java.util.Locale.ROOT));
        meta.put(ModelIdentity.CONFIG_KEY, identity.configHash());
        meta.put(ModelIdentity.WEIGHTS_KEY, identity.weightsHash());
        meta.forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new NemotronException("could not remove the partial export " + dir + ": " + e.getMessage(), e);
        }
    }
}
