package dev.nemotron.train.stage;

import dev.nemotron.api.pipeline.Stage;
import dev.nemotron.api.pipeline.StageParams;
import dev.nemotron.api.pipeline.StageProvider;
import dev.nemotron.api.pipeline.StageSpec;
import dev.nemotron.train.data.WriterOptions;
import java.util.List;

/**
 * The {@code tokenize} stage: text or JSONL files into a token dataset (Arrow shards +
 * {@code manifest.json}), as {@code nemotron data tokenize} does. It lives in the CLI, the one
 * module that sees both the tokenizer ({@code nemotron-infer}) and the Arrow writer
 * ({@code nemotron-train}).
 *
 * <p>Parameters: {@code text} (files) or {@code jsonl} (files) with {@code field}; {@code tokenizer}
 * (a {@code tokenizer.json} or a directory holding one; default: the input model's);
 * {@code separator} or {@code whole_file} (with {@code text}); {@code dataset_name} (default:
 * the stage's name); {@code shard_tokens}; {@code eos_token}. Paths are relative to the spec file's
 * directory. No new model; summary: {@code dataset} (the dataset directory, for
 * {@code ${stage.dataset}}), {@code documents}, {@code tokens}, {@code shards}.
 */
public final class TokenizeStageProvider implements StageProvider {
    static final List<String> FIELDS = List.of("text", "jsonl", "field", "tokenizer", "separator", "whole_file", "dataset_name",
            "shard_tokens", "eos_token");

    @Override
    public String type() {
        return "tokenize";
    }

    @Override
    public String description() {
        return "tokenise text or JSONL files into an Arrow token dataset (summary: dataset, documents, tokens)";
    }

    @Override
    public Stage create(StageSpec spec) {
        StageParams p = spec.params();
        p.requireOnly(FIELDS);
        List<String> text = p.strings("text");
        List<String> jsonl = p.strings("jsonl");
        if (text.isEmpty() == jsonl.isEmpty()) {
            throw p.error("give 'text' (files) or 'jsonl' (files, with 'field'), one of the two");
        }
        String field = p.optionalString("field").orElse(null);
        if (!jsonl.isEmpty() && field == null) {
            throw p.error("'jsonl' needs 'field' (the string field of each record)");
        }
        if (jsonl.isEmpty() && field != null) {
            throw p.invalid("field", "goes with 'jsonl'");
        }
        String separator = p.optionalString("separator").orElse(null);
        boolean wholeFile = p.bool("whole_file", false);
        if ((separator != null || wholeFile) && text.isEmpty()) {
            throw p.error("'separator' and 'whole_file' go with 'text'");
        }
        if (separator != null && wholeFile) {
            throw p.error("give at most one of 'separator' and 'whole_file'");
        }
        if (separator != null && separator.isBlank()) {
            throw p.invalid("separator", "must not be blank (blank lines are the default separator)");
        }
        long shardTokens = p.longInteger("shard_tokens", WriterOptions.DEFAULT_SHARD_TOKENS);
        if (shardTokens < 1) {
            throw p.invalid("shard_tokens", "must be positive, got " + shardTokens);
        }
        String name = p.string("dataset_name", spec.name());
        if (name.isBlank()) {
            throw p.invalid("dataset_name", "must not be blank");
        }
        return new TokenizeStage(new TokenizeStage.Settings(p.optionalString("tokenizer").orElse(null), text, jsonl, field,
                separator, wholeFile, shardTokens, name, p.optionalString("eos_token").orElse(null)));
    }
}
