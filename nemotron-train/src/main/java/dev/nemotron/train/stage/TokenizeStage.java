package dev.nemotron.train.stage;

import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageContext;
import dev.nemotron.api.pipeline.StageResult;
import dev.nemotron.train.data.DatasetTokenization;
import dev.nemotron.train.data.Manifest;
import dev.nemotron.train.data.TextSplit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A configured {@code tokenize} stage: writes the dataset to {@code WORK_DIR/dataset}. */
final class TokenizeStage implements Stage {
    /** The checked parameters; paths still as written in the spec. */
    record Settings(String tokenizer, List<String> text, List<String> jsonl, String field, String separator, boolean wholeFile,
                    long shardTokens, String name, String eosToken) {
    }

    private final Settings s;

    TokenizeStage(Settings s) {
        this.s = s;
    }

    @Override
    public StageResult run(StageContext ctx) throws IOException {
        Path tokenizer = s.tokenizer() != null ? ctx.resolve(s.tokenizer()) : ctx.requireInputModel();
        Path out = ctx.workDir().resolve("dataset");
        deleteTree(out);   // a partial dataset of an interrupted attempt
        TextSplit split = s.wholeFile() ? TextSplit.wholeFile()
                : s.separator() != null ? TextSplit.separatorLine(s.separator()) : TextSplit.blankLines();
        List<Path> text = s.text().stream().map(ctx::resolve).toList();
        List<Path> jsonl = s.jsonl().stream().map(ctx::resolve).toList();
        ctx.progress("tokenising " + (text.size() + jsonl.size()) + " file(s) with " + tokenizer);
        Manifest m = new DatasetTokenization(tokenizer, out, text, jsonl, s.field(), split, s.shardTokens(), s.name(),
                s.eosToken()).run();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("dataset", out.toAbsolutePath().toString());
        summary.put("documents", m.documents());
        summary.put("tokens", m.tokens());
        summary.put("shards", m.shards().size());
        return StageResult.of(summary);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
