package dev.nemotron.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The tokenizer in GGUF ({@code tokenizer.ggml.*}, llama.cpp's "gpt2" byte-level BPE, as the
 * converter writes it for Nemotron-H) from a HF {@code tokenizer.json}, and back.
 *
 * <ul>
 *   <li>{@code tokens}: one per id up to the model's vocab_size; ids the tokenizer lacks are
 *       {@code [PAD<id>]} of type UNUSED. Types: special added tokens CONTROL (3), other added
 *       tokens USER_DEFINED (4), the rest NORMAL (1).</li>
 *   <li>{@code merges} as "a b"; {@code pre} "tekken" when the pre-tokenizer's split regex is
 *       the Nemotron (Mistral Tekken) one llama.cpp knows under that name, else "default".</li>
 *   <li>bos/eos/pad ids from the config (eos: generation_config.json first), {@code add_bos_token}
 *       when the post-processor puts BOS first, the chat template of tokenizer_config.json.</li>
 * </ul>
 * A model directory without tokenizer.json gets a byte-level vocabulary (one token per byte,
 * no merges), so llama.cpp can load it and token ids mean the same on both sides.
 */
public final class GgufVocab {
    /** The pre-tokenizer regex of Nemotron's tokenizer, llama.cpp's LLAMA_VOCAB_PRE_TYPE_TEKKEN. */
    static final String TEKKEN = "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+|[^\\r\\n\\p{L}\\p{N}]?"
            + "[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final int NORMAL = 1, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5;
    private static final Logger LOG = LogManager.getLogger(GgufVocab.class);
    private static final ObjectMapper JSON = JsonMappers.json();

    private GgufVocab() {
    }

    /** The tokenizer keys for the model in {@code dir}. */
    public static Map<String, GgufValue> of(ModelDirectory dir) throws IOException {
        int vocab = dir.config().vocabSize();
        List<String> tokens = new ArrayList<>(vocab);
        int[] types = new int[vocab];
        List<String> merges = new ArrayList<>();
        String pre;
        boolean addBos = false;
        Optional<Integer> bos = intField(dir, "bos_token_id");
        Optional<Path> tokJson = dir.file("tokenizer.json");
        if (tokJson.isPresent()) {
            Tokenizer tok = Tokenizer.load(tokJson.get());
            JsonNode root = JSON.readTree(tokJson.get().toFile());
            JsonNode model = root.path("model");
            if (!"BPE".equals(model.path("type").asText())) {
                throw new GgufException(tokJson.get() + ": the tokenizer model is '" + model.path("type").asText()
                        + "'; GGUF export writes byte-level BPE tokenizers (llama.cpp's gpt2 model) only");
            }
            if (tok.vocabSize() > vocab) {
                throw new GgufException(tokJson.get() + ": the tokenizer has " + tok.vocabSize() + " tokens, more than the model's vocab_size "
                        + vocab);
            }
            Map<Integer, Boolean> added = new HashMap<>();
            for (JsonNode a : root.path("added_tokens")) {
                added.put(a.path("id").asInt(), a.path("special").asBoolean(false));
            }
            Set<Integer> ids = new java.util.HashSet<>();
            for (int id : tok.ids()) {
                ids.add(id);
            }
            for (int i = 0; i < vocab; i++) {
                String t = ids.contains(i) ? tok.idToToken(i) : null;
                if (t == null) {
                    tokens.add("[PAD" + i + "]");
                    types[i] = UNUSED;
                } else {
                    tokens.add(t);
                    types[i] = added.containsKey(i) ? (added.get(i) ? CONTROL : USER_DEFINED) : NORMAL;
                }
            }
            for (JsonNode m : model.path("merges")) {
                merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText());
            }
            pre = preName(root.path("pre_tokenizer"));
            int[] probe = tok.encode("a", true);
            addBos = bos.isPresent() && probe.length > 0 && probe[0] == bos.get();
        } else {
            LOG.info("{}: no tokenizer.json; writing a byte-level vocabulary (one token per byte)", dir.path());
            String[] bytes = byteLevelAlphabet();
            for (int i = 0; i < vocab; i++) {
                tokens.add(i < 256 ? bytes[i] : "[PAD" + i + "]");
                types[i] = i < 256 ? NORMAL : UNUSED;
            }
            pre = "default";
        }
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", GgufValue.str("gpt2"));
        m.put("tokenizer.ggml.pre", GgufValue.str(pre));
        m.put("tokenizer.ggml.tokens", GgufValue.strArray(tokens));
        m.put("tokenizer.ggml.token_type", GgufValue.i32Array(types));
        m.put("tokenizer.ggml.merges", GgufValue.strArray(merges));
        Set<Integer> eos = new TreeSet<>(dir.eosIds());
        bos.filter(id -> id >= 0 && id < vocab).ifPresent(id -> m.put("tokenizer.ggml.bos_token_id", GgufValue.u32(id)));
        eos.stream().filter(id -> id >= 0 && id < vocab).findFirst().ifPresent(id -> m.put("tokenizer.ggml.eos_token_id", GgufValue.u32(id)));
        intField(dir, "pad_token_id").filter(id -> id >= 0 && id < vocab)
                .ifPresent(id -> m.put("tokenizer.ggml.padding_token_id", GgufValue.u32(id)));
        m.put("tokenizer.ggml.add_bos_token", GgufValue.bool(addBos));
        Optional<Path> tc = dir.file("tokenizer_config.json");
        if (tc.isPresent()) {
            JsonNode t = JSON.readTree(tc.get().toFile()).path("chat_template");
            if (t.isTextual()) {
                m.put("tokenizer.chat_template", GgufValue.str(t.asText()));
            }
        }
        return m;
    }

    private static Optional<Integer> intField(ModelDirectory dir, String field) {
        return dir.config().view().has(field) ? Optional.of(dir.config().view().getInt(field)) : Optional.empty();
    }

    /** llama.cpp's name for the pre-tokenizer of a tokenizer.json. */
    static String preName(JsonNode pre) {
        List<String> regexes = new ArrayList<>();
        collectRegexes(pre, regexes);
        if (regexes.equals(List.of(TEKKEN))) {
            return "tekken";
        }
        if (!regexes.isEmpty()) {
            LOG.warn("the tokenizer's pre-tokenizer split is not one llama.cpp knows by name; writing 'default' (llama.cpp"
                    + " will pre-tokenize text like GPT-2; token ids given directly are unaffected)");
        }
        return "default";
    }

    private static void collectRegexes(JsonNode n, List<String> out) {
        if ("Split".equals(n.path("type").asText()) && n.path("pattern").has("Regex")) {
            out.add(n.path("pattern").path("Regex").asText());
        }
        for (JsonNode child : n.path("pretokenizers")) {
            collectRegexes(child, out);
        }
    }

    /** GPT-2's byte-to-unicode alphabet: printable bytes stand for themselves, the rest map to U+0100 on. */
    static String[] byteLevelAlphabet() {
        String[] out = new String[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = b >= 33 && b <= 126 || b >= 161 && b <= 172 || b >= 174;
            out[b] = String.valueOf((char) (printable ? b : next++));
        }
        return out;
    }

    /** The HF tokenizer files of {@code f}'s vocabulary: name to JSON. */
    public static Map<String, JsonNode> hfFiles(GgufFile f) {
        String model = f.string("tokenizer.ggml.model").orElse("gpt2");
        if (!"gpt2".equals(model)) {
            throw new GgufException(f.label() + ": tokenizer.ggml.model is '" + GgufFile.printable(model)
                    + "'; this SDK reads byte-level BPE (gpt2) vocabularies only");
        }
        List<String> tokens = strings(f, "tokenizer.ggml.tokens");
        List<String> merges = f.get("tokenizer.ggml.merges").isPresent() ? strings(f, "tokenizer.ggml.merges") : List.of();
        long[] types = f.get("tokenizer.ggml.token_type").isPresent() ? f.perLayer("tokenizer.ggml.token_type", tokens.size())
                : new long[tokens.size()];
        JsonNodeFactory j = JsonNodeFactory.instance;
        ObjectNode root = j.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = j.objectNode();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (vocab.has(t)) {
                throw new GgufException(f.label() + ": token '" + GgufFile.printable(t) + "' appears twice in tokenizer.ggml.tokens");
            }
            vocab.put(t, i);
            if (types[i] == CONTROL || types[i] == USER_DEFINED) {
                ObjectNode a = added.addObject();
                a.put("id", i);
                a.put("content", t);
                a.put("single_word", false);
                a.put("lstrip", false);
                a.put("rstrip", false);
                a.put("normalized", types[i] != CONTROL);
                a.put("special", types[i] == CONTROL);
            }
        }
        root.putNull("normalizer");
        String pre = f.string("tokenizer.ggml.pre").orElse("default");
        ObjectNode byteLevel = j.objectNode().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true);
        if ("tekken".equals(pre)) {
            ObjectNode seq = root.putObject("pre_tokenizer").put("type", "Sequence");
            ArrayNode list = seq.putArray("pretokenizers");
            ObjectNode split = list.addObject().put("type", "Split");
            split.putObject("pattern").put("Regex", TEKKEN);
            split.put("behavior", "Isolated").put("invert", false);
            list.add(byteLevel.put("use_regex", false));
        } else {
            root.set("pre_tokenizer", byteLevel.put("use_regex", true));
        }
        Optional<Long> bos = f.integer("tokenizer.ggml.bos_token_id").filter(id -> id >= 0 && id < tokens.size());
        boolean addBos = f.get("tokenizer.ggml.add_bos_token").map(v -> v instanceof GgufValue.Bool b && b.value()).orElse(false);
        if (addBos && bos.isPresent()) {
            String name = tokens.get(bos.get().intValue());
            ObjectNode pp = root.putObject("post_processor").put("type", "TemplateProcessing");
            ArrayNode single = pp.putArray("single");
            single.addObject().putObject("SpecialToken").put("id", name).put("type_id", 0);
            single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
            ArrayNode pair = pp.putArray("pair");
            pair.addObject().putObject("SpecialToken").put("id", name).put("type_id", 0);
            pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
            pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
            ObjectNode st = pp.putObject("special_tokens").putObject(name);
            st.put("id", name);
            st.putArray("ids").add(bos.get());
            st.putArray("tokens").add(name);
        } else {
            root.putNull("post_processor");
        }
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode bpe = root.putObject("model").put("type", "BPE");
        bpe.putNull("dropout");
        bpe.putNull("unk_token");
        bpe.putNull("continuing_subword_prefix");
        bpe.putNull("end_of_word_suffix");
        bpe.put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
        bpe.set("vocab", vocab);
        ArrayNode m = bpe.putArray("merges");
        merges.forEach(m::add);

        ObjectNode config = j.objectNode();
        f.string("tokenizer.chat_template").ifPresent(t -> config.put("chat_template", t));
        bos.ifPresent(id -> config.put("bos_token", tokens.get(id.intValue())));
        f.integer("tokenizer.ggml.eos_token_id").filter(id -> id >= 0 && id < tokens.size())
                .ifPresent(id -> config.put("eos_token", tokens.get(id.intValue())));
        config.put("add_bos_token", addBos);
        Map<String, JsonNode> out = new LinkedHashMap<>();
        out.put("tokenizer.json", root);
        out.put("tokenizer_config.json", config);
        return out;
    }

    private static List<String> strings(GgufFile f, String key) {
        GgufValue v = f.get(key).orElseThrow(() -> new GgufException(f.label() + ": metadata key '" + key + "' is missing"));
        if (!(v instanceof GgufValue.Arr a) || a.elementType() != GgufValue.STRING) {
            throw new GgufException(f.label() + ": metadata key '" + key + "' must be an array of strings");
        }
        return a.values().stream().map(x -> ((GgufValue.Str) x).value()).toList();
    }
}
