package dev.nemotron.text.tokenizer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Encoding throughput by hand (not a test): the Qwen3 tokenizer over Moby-Dick, single-threaded.
 * <pre>
 * ./mvnw -q -pl nemotron-infer -am test-compile
 * M=~/.m2/repository/com/fasterxml/jackson/core
 * $JDK25/bin/java -cp "nemotron-infer/target/classes:nemotron-infer/target/test-classes:nemotron-arch/target/classes:\
 * nemotron-api/target/classes:$M/jackson-databind/2.23.0/jackson-databind-2.23.0.jar:\
 * $M/jackson-core/2.23.0/jackson-core-2.23.0.jar:$M/jackson-annotations/2.23/jackson-annotations-2.23.jar" \
 *     dev.nemotron.text.tokenizer.TokenizerThroughput [TEXT_FILE] [TOKENIZER]
 * </pre>
 * Prints MB/s (UTF-8 bytes of input) for a cold pass (empty word cache, JIT cold) and warm passes.
 * Measured on the 2-core dev machine under load, full moby-dick.txt (1.2 MB): ~1.5 MB/s cold,
 * 3-14 MB/s warm (best 14.2 MB/s); loading the Qwen3 tokenizer.json takes 3-4 s.
 */
public final class TokenizerThroughput {
    private TokenizerThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path textFile = Path.of(args.length > 0 ? args[0] : "nemotron-testing/src/main/resources/fixtures/moby-dick-200k.txt");
        Path tokFile = Path.of(args.length > 1 ? args[1] : "nemotron-testing/src/main/resources/fixtures/qwen3-tokenizer");
        String text = Files.readString(textFile);
        double mb = text.getBytes(StandardCharsets.UTF_8).length / 1e6;
        long t0 = System.nanoTime();
        Tokenizer tok = Tokenizer.load(tokFile);
        System.out.printf("load %s: %.0f ms%n", tokFile, (System.nanoTime() - t0) / 1e6);
        for (int pass = 0; pass < 8; pass++) {
            long start = System.nanoTime();
            int[] ids = tok.encode(text);
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("pass %d: %d tokens, %.2f MB in %.3f s = %.1f MB/s (%.0f k tokens/s)%n",
                    pass, ids.length, mb, s, mb / s, ids.length / s / 1e3);
        }
        long start = System.nanoTime();
        int[] ids = tok.encode(text);
        String back = tok.decode(ids, false);
        System.out.printf("decode: %.1f MB/s, round trip %s%n", mb / ((System.nanoTime() - start) / 1e9),
                back.equals(java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFC)) ? "ok" : "MISMATCH");
    }
}
