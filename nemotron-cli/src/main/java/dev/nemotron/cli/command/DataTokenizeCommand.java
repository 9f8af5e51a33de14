package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.train.data.DatasetTokenization;
import dev.nemotron.cli.output.Json;
import dev.nemotron.train.data.Manifest;
import dev.nemotron.train.data.TextSplit;
import dev.nemotron.train.data.WriterOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code nemotron data tokenize}: text or JSONL files into a directory of Arrow token shards plus manifest.json. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Tokenise plain text or JSONL files into Arrow IPC token shards (one row per document) and a manifest.json.")
public final class DataTokenizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--tokenizer", required = true, paramLabel = "FILE_OR_MODEL_DIR",
            description = "tokenizer.json, or a model directory holding one.")
    Path tokenizer;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The dataset directory to create (must not hold a manifest.json yet).")
    Path out;

    @Option(names = "--text", arity = "1..*", paramLabel = "FILE", description = "Plain-text files (UTF-8); documents are separated by blank lines unless --separator or --whole-file.")
    List<Path> text = new ArrayList<>();

    @Option(names = "--jsonl", arity = "1..*", paramLabel = "FILE", description = "JSONL files: one document per line, the string field --field.")
    List<Path> jsonl = new ArrayList<>();

    @Option(names = "--field", paramLabel = "NAME", description = "The string field of each JSONL record (with --jsonl).")
    String field;

    @Option(names = "--separator", paramLabel = "LINE", description = "With --text: a line equal to LINE ends a document (instead of blank lines).")
    String separator;

    @Option(names = "--whole-file", description = "With --text: each file is one document.")
    boolean wholeFile;

    @Option(names = "--shard-tokens", paramLabel = "N", description = "Tokens per shard at most (default ${DEFAULT-VALUE}).")
    long shardTokens = WriterOptions.DEFAULT_SHARD_TOKENS;

    @Option(names = "--name", paramLabel = "NAME", description = "Dataset name (default: the --out directory's name).")
    String name;

    @Option(names = "--eos-token", paramLabel = "TOKEN",
            description = "The end-of-sequence token recorded in the manifest (default: the first of </s>, <|endoftext|>, <eos>, <|end_of_text|> in the vocabulary).")
    String eosToken;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Override
    public Integer call() {
        if (text.isEmpty() == jsonl.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give --text FILE... or --jsonl FILE... (one kind per dataset)");
        }
        if (!jsonl.isEmpty() && field == null) {
            throw new ParameterException(spec.commandLine(), "--jsonl needs --field NAME");
        }
        if (jsonl.isEmpty() && field != null) {
            throw new ParameterException(spec.commandLine(), "--field goes with --jsonl");
        }
        if ((separator != null || wholeFile) && text.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--separator and --whole-file go with --text");
        }
        if (separator != null && wholeFile) {
            throw new ParameterException(spec.commandLine(), "give at most one of --separator and --whole-file");
        }
        if (separator != null && separator.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--separator must not be blank (blank lines are the default separator)");
        }
        if (shardTokens < 1) {
            throw new ParameterException(spec.commandLine(), "--shard-tokens must be positive");
        }
        String datasetName = name != null ? name : out.toAbsolutePath().normalize().getFileName().toString();
        TextSplit split = wholeFile ? TextSplit.wholeFile() : separator != null ? TextSplit.separatorLine(separator) : TextSplit.blankLines();
        Manifest m = new DatasetTokenization(tokenizer, out, text, jsonl, field, split, shardTokens, datasetName, eosToken).run();
        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = Json.object();
            o.put("dir", out.toString());
            o.put("name", m.name());
            o.put("documents", m.documents());
            o.put("tokens", m.tokens());
            o.put("shards", m.shards().size());
            if (m.eosId() == null) {
                o.putNull("eos_id");
            } else {
                o.put("eos_id", m.eosId());
            }
            Json.print(pw, o);
        } else {
            pw.printf("wrote %s: %,d documents, %,d tokens in %d shard%s (%s)%n", out, m.documents(), m.tokens(),
                    m.shards().size(), m.shards().size() == 1 ? "" : "s", m.name());
            pw.flush();
        }
        return 0;
    }
}
