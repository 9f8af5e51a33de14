package dev.nemotron.backend.onnx.export;

import dev.nemotron.api.backend.DeviceModelSpec;
import dev.nemotron.api.backend.DeviceWeights;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.onnx.graph.ModelShape;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Which model an export is of, as two SHA-256 hashes stored in the graphs' {@code metadata_props}:
 * the config hash (vocabulary, hidden size, epsilon, tied embeddings, pattern and every layer's
 * sizes: the graph's structure) and the weights hash (every checkpoint tensor's name, dtype, shape
 * and bytes, in name order; {@code random:SEED} for generated weights). A graph is refused for a
 * model whose hashes differ.
 */
public record ModelIdentity(String configHash, String weightsHash) {
    public static final String CONFIG_KEY = "nemotron.config_hash";
    public static final String WEIGHTS_KEY = "nemotron.weights_hash";

    private static final long BLOCK = 1 << 22;

    /** The identity of {@code spec}; reads every weight once (about a second per GB). */
    public static ModelIdentity of(DeviceModelSpec spec) {
        return new ModelIdentity(configHash(ModelShape.of(spec)), weightsHash(spec.weights()));
    }

    public static String configHash(ModelShape shape) {
        MessageDigest md = sha256();
        md.update(shape.canonical().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(md.digest());
    }

    public static String weightsHash(DeviceWeights weights) {
        MessageDigest md = sha256();
        switch (weights) {
            case DeviceWeights.Random r -> md.update(("random:" + r.seed()).getBytes(StandardCharsets.UTF_8));
            case DeviceWeights.Checkpoint c -> {
                for (String name : c.names().stream().sorted().toList()) {
                    Tensor t = c.source().require(name);
                    md.update((name + ':' + t.dtype() + Arrays.toString(t.shape()) + '\n').getBytes(StandardCharsets.UTF_8));
                    MemorySegment data = t.data();
                    for (long at = 0; at < data.byteSize(); at += BLOCK) {
                        md.update(data.asSlice(at, Math.min(BLOCK, data.byteSize() - at)).toArray(ValueLayout.JAVA_BYTE));
                    }
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** A short key for cache directories: the first 16 hex digits of each hash. */
    public String key() {
        return configHash.substring(0, 16) + "-" + weightsHash.substring(0, 16);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
