package dev.nemotron.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.backend.Backend;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.model.HybridModel;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.testing.Fixtures;
import dev.nemotron.testing.node.NodeProcess;
import dev.nemotron.testing.node.NodeProcess.Result;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * llama.cpp itself runs what {@code nemotron export gguf} writes: node-llama-cpp 3.21.1
 * (src/test/node, pinned in package.json and package-lock.json; its prebuilt CPU llama.cpp, never
 * built or downloaded here) loads the exported file and decodes greedily; its token ids must equal
 * the SDK's greedy ids on the same file.
 *
 * <ul>
 *   <li>F32: identical ids, every token ({@link #F32_TOKENS}).</li>
 *   <li>BF16 and Q8_0: llama.cpp also rounds the activations to BF16 / quantizes them to Q8_0
 *       blocks before its dot products, the SDK keeps them F32, so logits differ by ~0.5% and a
 *       near-tie can flip; the expected drift: the first {@link #DRIFT_PREFIX} ids equal.</li>
 * </ul>
 * Skipped (with the reason) when node or npm is missing or node-llama-cpp cannot be installed
 * (e.g. offline): {@code npm ci} runs once per lock file into target/node-test.
 */
class LlamaCppGreedyTest {
    static final int F32_TOKENS = 24;
    static final int DRIFT_PREFIX = 4;
    /** node-llama-cpp: the prebuilt binaries only; never download or compile llama.cpp. */
    static final Map<String, String> NODE_LLAMA_CPP_ENV = Map.of("NODE_LLAMA_CPP_SKIP_DOWNLOAD", "true", "NODE_LLAMA_CPP_GPU", "false");
    static Path work;

    @TempDir
    Path tmp;

    @BeforeAll
    static void install() throws Exception {
        String missing = NodeProcess.unavailable();
        Assumptions.assumeTrue(missing == null, () -> missing + ": skipping the llama.cpp (node-llama-cpp) test");
        work = NodeProcess.prepare(Path.of(System.getProperty("nemotron.node.dir", "src/test/node")),
                Path.of(System.getProperty("nemotron.node.work", "target/node-test")),
                List.of("package.json", "package-lock.json", "greedy.mjs"));
        // only the CPU build for this platform (the package lists it; the CUDA/Vulkan builds are optional and omitted)
        Result r = NodeProcess.install(work, NODE_LLAMA_CPP_ENV, 900, "--omit=optional", "--no-audit", "--no-fund");
        Assumptions.assumeTrue(r == null || r.code() == 0, () -> "node-llama-cpp 3.21.1 could not be installed (npm ci exit " + r.code()
                + "): skipping the llama.cpp test\n" + r.tail());
    }

    /** Exports {@code model} as {@code type}, decodes greedily with the SDK (on the GGUF) and llama.cpp, returns both. */
    private int[][] both(Path model, GgmlType type, int[] prompt, int n) throws Exception {
        Path gguf = tmp.resolve(model.getFileName() + "-" + type + ".gguf");
        ModelDirectory dir = ModelDirectory.open(model);
        try (Checkpoint ckpt = dir.openCheckpoint()) {
            GgufExporter.write(dir, ckpt, gguf, type);
        }
        Path imported = Files.createDirectories(tmp.resolve("imported-" + type + "-" + model.getFileName()));
        try (GgufFile f = GgufFile.open(gguf)) {
            GgufImport.writeDirectory(f, imported);
        }
        int[] sdk = sdkGreedy(imported, prompt, n);
        JsonNode llama = llamaCpp(gguf, prompt, n, null);
        assertThat(llama.path("arch").asText()).isEqualTo("nemotron_h");
        int[] ids = new int[llama.path("ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = llama.path("ids").get(i).asInt();
        }
        System.out.printf("llama.cpp vs SDK %s %s: sdk=%s llama=%s%n", model.getFileName(), type, Arrays.toString(sdk), Arrays.toString(ids));
        return new int[][] {sdk, ids};
    }

    static int[] sdkGreedy(Path model, int[] prompt, int n) {
        try (Backend backend = Backends.create("java"); HybridModel m = HybridModel.load(model, backend)) {
            int[] ids = Arrays.copyOf(prompt, prompt.length + n);
            for (int step = 0; step < n; step++) {
                int len = prompt.length + step;
                float[] logits = m.forward(Arrays.copyOf(ids, len), false).logits();
                int vocab = logits.length / len;
                int best = 0;
                for (int v = 1; v < vocab; v++) {
                    if (logits[(len - 1) * vocab + v] > logits[(len - 1) * vocab + best]) {
                        best = v;
                    }
                }
                ids[len] = best;
            }
            return Arrays.copyOfRange(ids, prompt.length, ids.length);
        }
    }

    static JsonNode llamaCpp(Path gguf, int[] prompt, int n, String text) throws Exception {
        String csv = Arrays.stream(prompt).mapToObj(Integer::toString).collect(Collectors.joining(","));
        Result r = text == null ? NodeProcess.run(work, NODE_LLAMA_CPP_ENV, 300, "node", "greedy.mjs", gguf.toAbsolutePath().toString(), csv,
                Integer.toString(n))
                : NodeProcess.run(work, NODE_LLAMA_CPP_ENV, 300, "node", "greedy.mjs", gguf.toAbsolutePath().toString(), csv,
                Integer.toString(n), text);
        assertThat(r.code()).as("node greedy.mjs failed:\n%s", r.output()).isZero();
        String line = r.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
        return JsonMappers.json().readTree(line);
    }

    @Test
    void f32FixtureGreedyIdsAreIdentical() throws Exception {
        int[][] r = both(Fixtures.dir("tiny-nemotron-h-a"), GgmlType.F32, new int[] {1, 17, 42, 5, 300, 77}, F32_TOKENS);
        assertThat(r[1]).isEqualTo(r[0]);
    }

    @Test
    void f32TokenizerModelGreedyIdsAndTokenizationAreIdentical() throws Exception {
        Path model = TestModels.tinyHybridWithTokenizer(tmp.resolve("tiny-hybrid"), DType.F32);
        Tokenizer tok = Tokenizer.load(model.resolve("tokenizer.json"));
        String text = "Call me Ishmael. Some years ago - never mind how long precisely - 12+30=42.";
        int[] prompt = tok.encode(text, false);
        int[][] r = both(model, GgmlType.F32, prompt, F32_TOKENS);
        assertThat(r[1]).isEqualTo(r[0]);
        Path gguf = tmp.resolve("tiny-hybrid-F32.gguf");
        JsonNode llama = llamaCpp(gguf, new int[] {1}, 1, text);
        int[] theirs = new int[llama.path("tokens").size()];
        for (int i = 0; i < theirs.length; i++) {
            theirs[i] = llama.path("tokens").get(i).asInt();
        }
        assertThat(theirs).as("llama.cpp's tokenization of the embedded vocabulary").isEqualTo(prompt);
    }

    @Test
    void bf16AndQ8GreedyIdsAgreeWithinTheExpectedDrift() throws Exception {
        for (GgmlType type : new GgmlType[] {GgmlType.BF16, GgmlType.Q8_0}) {
            int[][] r = both(Fixtures.dir("tiny-nemotron-h-a"), type, new int[] {1, 17, 42, 5, 300, 77}, 16);
            assertThat(Arrays.copyOf(r[1], DRIFT_PREFIX)).as(type.toString()).isEqualTo(Arrays.copyOf(r[0], DRIFT_PREFIX));
        }
    }

    /**
     * The quickstart model, when one has been trained here: -Dnemotron.gguf.quickstart=DIR, else
     * runs/quickstart-gguf/model (tools/gguf-vs-llama-cpp.sh's quickstart-style pretrain) or the
     * quickstart pipeline's runs/quickstart/pretrain/model.
     */
    @Test
    void quickstartModel() throws Exception {
        Path root = Fixtures.repoRoot();
        Path model = Path.of(System.getProperty("nemotron.gguf.quickstart",
                (Files.isDirectory(root.resolve("runs/quickstart-gguf/model")) ? root.resolve("runs/quickstart-gguf/model")
                        : root.resolve("runs/quickstart/pretrain/model")).toString()));
        Assumptions.assumeTrue(Files.isRegularFile(model.resolve("config.json")),
                () -> "no quickstart model at " + model + " (run ./examples/quickstart.sh or pass -Dnemotron.gguf.quickstart=DIR)");
        Tokenizer tok = Tokenizer.load(model.resolve("tokenizer.json"));
        int[] prompt = tok.encode("Call me Ishmael. Some years ago", false);
        int[][] f32 = both(model, GgmlType.F32, prompt, F32_TOKENS);
        assertThat(f32[1]).isEqualTo(f32[0]);
        for (GgmlType type : new GgmlType[] {GgmlType.BF16, GgmlType.Q8_0}) {
            int[][] r = both(model, type, prompt, 16);
            assertThat(Arrays.copyOf(r[1], DRIFT_PREFIX)).as(type.toString()).isEqualTo(Arrays.copyOf(r[0], DRIFT_PREFIX));
        }
    }




}
