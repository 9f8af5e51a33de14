package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.cli.output.Json;
import dev.nemotron.train.data.Manifest;
import dev.nemotron.train.data.TokenDataset;
import dev.nemotron.train.data.TokenStatistics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron data inspect}: what a token dataset holds. Reads every shard (one record batch
 * at a time), so it also checks the shards against the manifest, and counts the unigram entropy
 * of the token stream as the loader packs it (an EOS after each document when the manifest has one).
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Summarise a token dataset (documents, tokens, shards, document-length statistics, unigram entropy);"
                + " reads and checks every shard.")
public final class DataInspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The dataset directory (holding manifest.json).")
    Path dir;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        TokenDataset ds = TokenDataset.open(dir);
        Manifest m = ds.manifest();
        // grown as documents are read: the manifest's counts are checked against the shards only while reading
        int[][] grown = {new int[1024]};
        int[] n = {0};
        TokenStatistics stats = new TokenStatistics();
        ds.forEachDocument(doc -> {
            if (n[0] == grown[0].length && n[0] < Integer.MAX_VALUE - 8) {
                grown[0] = Arrays.copyOf(grown[0], (int) Math.min(Integer.MAX_VALUE - 8, 2L * n[0]));
            }
            if (n[0] < grown[0].length) {
                grown[0][n[0]++] = doc.length;
            }
            stats.addDocument(doc, m.eosId());
        });
        int[] lengths = grown[0];
        Arrays.sort(lengths, 0, n[0]);
        long bytes = m.shards().stream().mapToLong(Manifest.Shard::bytes).sum();
        double mean = n[0] == 0 ? 0 : (double) m.tokens() / m.documents();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Json.object();
            o.put("dir", dir.toString());
            o.put("name", m.name());
            o.put("tokenizer", m.tokenizer());
            o.put("vocab_size", m.vocabSize());
            if (m.eosId() == null) {
                o.putNull("eos_id");
            } else {
                o.put("eos_id", m.eosId());
            }
            o.put("documents", m.documents());
            o.put("tokens", m.tokens());
            o.put("shards", m.shards().size());
            o.put("bytes", bytes);
            ObjectNode len = o.putObject("document_tokens");
            len.put("min", pct(lengths, n[0], 0));
            len.put("mean", Math.round(mean * 100) / 100.0);
            len.put("median", pct(lengths, n[0], 0.5));
            len.put("p90", pct(lengths, n[0], 0.9));
            len.put("p99", pct(lengths, n[0], 0.99));
            len.put("max", pct(lengths, n[0], 1));
            ObjectNode h = o.putObject("unigram_entropy");
            h.put("nats", stats.entropyNats());
            h.put("bits", stats.entropyBits());
            h.put("tokens", stats.tokens());
            h.put("distinct_tokens", stats.distinctTokens());
            h.put("eos_counted", m.eosId() != null);
            Json.print(out, o);
        } else {
            out.printf("dataset    %s (%s)%n", m.name(), dir);
            out.printf("tokenizer  %s (vocab %,d, eos %s)%n", m.tokenizer(), m.vocabSize(), m.eosId() == null ? "unknown" : m.eosId());
            out.printf("documents  %,d%n", m.documents());
            out.printf("tokens     %,d%n", m.tokens());
            out.printf("shards     %d (%,d bytes, at most %,d tokens each)%n", m.shards().size(), bytes, m.shardTokens());
            out.printf("document length in tokens: min %d, mean %.1f, median %d, p90 %d, p99 %d, max %d%n",
                    pct(lengths, n[0], 0), mean, pct(lengths, n[0], 0.5), pct(lengths, n[0], 0.9), pct(lengths, n[0], 0.99),
                    pct(lengths, n[0], 1));
            out.printf("unigram entropy %.4f nats = %.4f bits per token (%,d tokens%s, %,d distinct)%n", stats.entropyNats(),
                    stats.entropyBits(), stats.tokens(), m.eosId() == null ? "" : " with an EOS after each document", stats.distinctTokens());
            out.flush();
        }
        return 0;
    }

    /** Nearest-rank percentile of the first {@code n} sorted values (0 when empty). */
    private static int pct(int[] sorted, int n, double q) {
        if (n == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * n);
        return sorted[Math.max(0, Math.min(n - 1, rank - 1))];
    }
}
