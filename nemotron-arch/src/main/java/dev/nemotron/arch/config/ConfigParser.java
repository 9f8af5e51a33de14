package dev.nemotron.arch.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.api.layer.ModelConfigView;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.layer.MixerRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Reads a HF {@code config.json} of the Nemotron-H family and checks it before any weight is
 * touched. Both spellings of the layer pattern are accepted: {@code hybrid_override_pattern}
 * (a string of symbols such as {@code "M-M*-"}) and {@code layers_block_type} (a list of names
 * such as {@code "mamba"}, {@code "linear_attention"}, {@code "full_attention"}, {@code "mlp"});
 * each symbol or name must belong to a registered {@link MixerFactory}, which then validates its
 * own fields.
 */
public final class ConfigParser {
    private static final Logger LOG = LogManager.getLogger(ConfigParser.class);
    private static final ObjectMapper JSON = JsonMappers.lenient();
    /** The HF {@code model_type} of the Nemotron-H family (Nemotron-H, Nemotron Nano 2). */
    public static final String MODEL_TYPE = "nemotron_h";

    private final MixerRegistry registry;

    public ConfigParser(MixerRegistry registry) {
        this.registry = registry;
    }

    /** A parser knowing the layer types found on the module path ({@link MixerRegistry#discover()}). */
    public static ConfigParser withDiscoveredLayers() {
        return new ConfigParser(MixerRegistry.discover());
    }

    /** Parses {@code path}: a {@code config.json} file or a model directory holding one. */
    public NemotronHConfig parse(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new ConfigException(file + ": not a regular file");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file"
                    + (Files.isDirectory(path) ? " (a model directory needs a config.json)" : ""));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /**
     * Parses the JSON text of a config; {@code source} names it in error messages. A key no layer
     * type and no HF config reads (a misspelling such as {@code layer_norm_epsilom}) is logged as a
     * warning with the closest known key.
     */
    public NemotronHConfig parse(String json, String source) {
        return parse(json, source, LOG::warn);
    }

    /** As {@link #parse(String, String)}, giving each unknown-key warning to {@code warn}. */
    NemotronHConfig parse(String json, String source, Consumer<String> warn) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // a limit (nesting depth, number length) is reported without a location
            var loc = e.getLocation();
            String where = loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
            throw new ConfigException(source + ": not valid JSON" + where + ": " + JsonMappers.problem(e));
        }
        if (tree == null || !tree.isObject()) {
            throw new ConfigException(source + ": expected a JSON object at the top level");
        }
        JsonConfigView view = new JsonConfigView((ObjectNode) tree, source);
        checkModelType(view);
        String pattern = readPattern(view);
        int vocab = positive(view, "vocab_size");
        if (view.has("max_position_embeddings")) {
            positive(view, "max_position_embeddings");
        }
        int hidden = positive(view, "hidden_size");
        double eps = view.normEpsilon();
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new ConfigException(source + ": field 'layer_norm_epsilon' must be a positive number, got " + eps);
        }
        DType dtype = readDtype(view);
        NemotronHConfig config = new NemotronHConfig(vocab, hidden, pattern, eps,
                view.getBoolean("tie_word_embeddings", false), dtype, view);
        Set<String> read = new HashSet<>();
        ModelConfigView recorded = ConfigKeys.recording(view, read);
        for (int i = 0; i < pattern.length(); i++) {
            char symbol = pattern.charAt(i);
            MixerFactory f = registry.bySymbol(symbol).orElseThrow();
            f.validate(new LayerContext(i, symbol, recorded));
        }
        ConfigKeys.warnings(view.root().fieldNames(), read, source).forEach(warn);
        return config;
    }

    /** {@code model_type}, when given, must be {@value #MODEL_TYPE}: another family's config is not read as this one. */
    private static void checkModelType(JsonConfigView view) {
        String type = view.getString("model_type").orElse(MODEL_TYPE);
        if (!type.equals(MODEL_TYPE)) {
            throw new ConfigException(view.source() + ": model_type is '" + type + "', but this SDK reads '" + MODEL_TYPE
                    + "' models (Nemotron-H, Nemotron Nano 2) only");
        }
    }

    static int positive(JsonConfigView view, String field) {
        int v = view.getInt(field);
        if (v <= 0) {
            throw new ConfigException(view.source() + ": field '" + field + "' must be positive, got " + v);
        }
        return v;
    }

    private String readPattern(JsonConfigView view) {
        String source = view.source();
        String fromPattern = view.getString("hybrid_override_pattern").orElse(null);
        String fromTypes = null;
        JsonNode types = view.root().get("layers_block_type");
        if (types != null && !types.isNull()) {
            fromTypes = patternFromBlockTypes(types, source);
        }
        if (fromPattern == null && fromTypes == null) {
            throw new ConfigException(source + ": missing field 'hybrid_override_pattern' (or 'layers_block_type'):"
                    + " the config must say which layer type each layer is");
        }
        if (fromPattern != null) {
            for (int i = 0; i < fromPattern.length(); i++) {
                char c = fromPattern.charAt(i);
                if (registry.bySymbol(c).isEmpty()) {
                    throw new ConfigException(source + ": hybrid_override_pattern[" + i + "] = '" + c
                            + "' is not a known layer symbol (known: " + registry.describeSymbols() + ")");
                }
            }
        }
        if (fromPattern != null && fromTypes != null && !fromPattern.equals(fromTypes)) {
            throw new ConfigException(source + ": hybrid_override_pattern \"" + fromPattern
                    + "\" disagrees with layers_block_type (\"" + fromTypes + "\")");
        }
        String pattern = fromPattern != null ? fromPattern : fromTypes;
        if (pattern.isEmpty()) {
            throw new ConfigException(source + ": the layer pattern is empty: a model needs at least one layer");
        }
        if (view.has("num_hidden_layers") && view.getInt("num_hidden_layers") != pattern.length()) {
            throw new ConfigException(source + ": num_hidden_layers = " + view.getInt("num_hidden_layers")
                    + " but the layer pattern has " + pattern.length() + " layers");
        }
        return pattern;
    }

    private String patternFromBlockTypes(JsonNode types, String source) {
        if (!types.isArray()) {
            throw new ConfigException(source + ": field 'layers_block_type' must be a list of layer type names");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < types.size(); i++) {
            JsonNode t = types.get(i);
            if (!t.isTextual()) {
                throw new ConfigException(source + ": layers_block_type[" + i + "] must be a string, got " + t);
            }
            int index = i;
            MixerFactory f = registry.byBlockTypeName(t.textValue()).orElseThrow(() -> new ConfigException(
                    source + ": layers_block_type[" + index + "] = \"" + t.textValue()
                            + "\" is not a known layer type (known: " + registry.describeBlockTypeNames() + ")"));
            sb.append(f.symbol());
        }
        return sb.toString();
    }

    private static DType readDtype(JsonConfigView view) {
        String field = view.has("torch_dtype") ? "torch_dtype" : "dtype";
        return view.getString(field).map(name -> DType.fromTorchName(name).orElseThrow(() -> new ConfigException(
                view.source() + ": field '" + field + "' = \"" + name
                        + "\" is not a supported dtype (float32, bfloat16, float16)"))).orElse(DType.F32);
    }
}
