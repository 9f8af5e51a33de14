package dev.nemotron.arch.safetensors;

import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The weights of a model: one safetensors file or an HF sharded checkpoint, each shard mapped
 * once (see {@link SafetensorsFile}). Tensors are slices of the mappings and stay valid until
 * the checkpoint is closed.
 *
 * <p>{@link #open(Path)} accepts:
 * <ul>
 *   <li>a directory holding {@code model.safetensors} (preferred when both are present) or
 *       {@code model.safetensors.index.json} with its shards;</li>
 *   <li>a {@code .safetensors} file;</li>
 *   <li>an {@code *.index.json} file, whose shards are looked up next to it.</li>
 * </ul>
 */
public final class Checkpoint implements AutoCloseable, WeightSource {
    /** The HF file name of a single-file checkpoint. */
    public static final String SINGLE_FILE = "model.safetensors";
    /** The HF file name of a sharded checkpoint's index. */
    public static final String INDEX_FILE = ShardIndex.FILE_NAME;

    private static final Logger LOG = LogManager.getLogger(Checkpoint.class);

    private final Path path;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> byName;
    private final Map<String, String> metadata;

    private Checkpoint(Path path, List<SafetensorsFile> files, Map<String, SafetensorsFile> byName,
            Map<String, String> metadata) {
        this.path = path;
        this.files = List.copyOf(files);
        this.byName = Collections.unmodifiableMap(byName);
        this.metadata = metadata;
    }

    /**
     * Opens the checkpoint at {@code dirOrFile}.
     *
     * @throws SafetensorsException if it does not exist, holds no checkpoint, or any file of it is
     *     invalid or inconsistent with the index
     */
    public static Checkpoint open(Path dirOrFile) {
        if (Files.isDirectory(dirOrFile)) {
            Path single = dirOrFile.resolve(SINGLE_FILE);
            Path index = dirOrFile.resolve(INDEX_FILE);
            if (Files.exists(single)) {
                if (Files.exists(index)) {
                    LOG.warn("{} holds both {} and {}; using {}", dirOrFile, SINGLE_FILE, INDEX_FILE, SINGLE_FILE);
                }
                return single(dirOrFile, single);
            }
            if (Files.exists(index)) {
                return sharded(dirOrFile, index);
            }
            throw new SafetensorsException(dirOrFile + ": no checkpoint found, looked for " + SINGLE_FILE
                    + " and " + INDEX_FILE);
        }
        if (!Files.exists(dirOrFile)) {
            throw new SafetensorsException(dirOrFile + ": no such file or directory");
        }
        String name = SafetensorsException.label(dirOrFile);
        return name.endsWith(".index.json") ? sharded(dirOrFile, dirOrFile) : single(dirOrFile, dirOrFile);
    }

    private static Checkpoint single(Path path, Path file) {
        SafetensorsFile f = SafetensorsFile.open(file);
        Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
        for (String n : f.names()) {
            byName.put(n, f);
        }
        return new Checkpoint(path, List.of(f), byName, f.metadata());
    }

    private static Checkpoint sharded(Path path, Path indexFile) {
        ShardIndex index = ShardIndex.read(indexFile);
        Path dir = indexFile.toAbsolutePath().getParent();
        String indexName = SafetensorsException.label(indexFile);
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        boolean ok = false;
        try {
            for (String shard : index.weightMap().values()) {
                if (!shards.containsKey(shard)) {
                    Path shardPath = dir.resolve(shard);
                    if (!Files.exists(shardPath)) {
                        throw SafetensorsException.of(indexFile, "shard '" + shard + "' listed in "
                                + indexName + " does not exist in " + dir);
                    }
                    shards.put(shard, SafetensorsFile.open(shardPath));
                }
            }
            Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : index.weightMap().entrySet()) {
                SafetensorsFile f = shards.get(e.getValue());
                if (!f.contains(e.getKey())) {
                    throw SafetensorsException.of(indexFile, "weight_map puts tensor '" + e.getKey()
                            + "' in shard '" + e.getValue() + "', which does not contain it");
                }
                byName.put(e.getKey(), f);
            }
            for (Map.Entry<String, SafetensorsFile> e : shards.entrySet()) {
                for (String n : e.getValue().names()) {
                    SafetensorsFile owner = byName.get(n);
                    if (owner != null && owner != e.getValue()) {
                        throw SafetensorsException.of(indexFile, "tensor '" + n + "' is present in two shards, '"
                                + SafetensorsException.label(owner.path()) + "' and '" + e.getKey() + "'");
                    }
                    if (owner == null) {
                        LOG.warn("{}: tensor '{}' of shard '{}' is not listed in the weight_map",
                                indexFile, n, e.getKey());
                        byName.put(n, e.getValue());
                    }
                }
            }
            Checkpoint c = new Checkpoint(path, new ArrayList<>(shards.values()), byName, index.metadata());
            ok = true;
            return c;
        } finally {
            if (!ok) {
                shards.values().forEach(SafetensorsFile::close);
            }
        }
    }

    /** The path the checkpoint was opened from. */
    public Path path() {
        return path;
    }

    /** The files of the checkpoint: one, or the shards in the order the index first names them. */
    public List<SafetensorsFile> files() {
        return files;
    }

    /**
     * The tensor names (unmodifiable): header order for a single file; for a sharded checkpoint,
     * the index's {@code weight_map} order, followed by any shard tensor the index omits.
     */
    public Set<String> names() {
        return byName.keySet();
    }

    /** Whether the checkpoint holds a tensor named {@code name}. */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /**
     * The header entry of tensor {@code name}; its offsets are relative to its own file.
     *
     * @throws SafetensorsException naming the tensor and the checkpoint if it is missing
     */
    public TensorInfo info(String name) {
        return fileOf(name).info(name);
    }

    /** Tensor {@code name} (a slice of its file's mapping), or empty if there is none. */
    @Override
    public Optional<Tensor> find(String name) {
        SafetensorsFile f = byName.get(name);
        return f == null ? Optional.empty() : Optional.of(f.tensor(name));
    }

    /**
     * Tensor {@code name} (a slice of its file's mapping).
     *
     * @throws SafetensorsException naming the tensor and the checkpoint path if it is missing
     */
    @Override
    public Tensor require(String name) {
        return fileOf(name).tensor(name);
    }

    private SafetensorsFile fileOf(String name) {
        SafetensorsFile f = byName.get(name);
        if (f == null) {
            throw new SafetensorsException(path + ": checkpoint has no tensor named '" + name + "'");
        }
        return f;
    }

    /**
     * The single file's {@code __metadata__}, or a sharded checkpoint's index {@code metadata}
     * (non-string values, such as {@code total_size}, rendered as JSON text); unmodifiable.
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Bytes of tensor data per element type, over all tensors (unmodifiable). */
    public Map<DType, Long> dtypes() {
        Map<DType, Long> out = new EnumMap<>(DType.class);
        for (String n : byName.keySet()) {
            TensorInfo t = info(n);
            out.merge(t.dtype(), t.byteSize(), Long::sum);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Bytes of tensor data over all tensors (headers excluded). */
    public long totalBytes() {
        return dtypes().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Unmaps every file; tensors obtained from the checkpoint must not be used afterwards. */
    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + path + ", " + files.size() + " file(s), " + byName.size() + " tensors]";
    }
}
