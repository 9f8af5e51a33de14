package dev.nemotron.cli.command;

import dev.nemotron.api.io.Utf8Lines;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.text.tokenizer.Tokenizer;
import dev.nemotron.text.tokenizer.Tokenizer;
import dev.nemotron.train.data.JsonlRecord;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code nemotron tokenize}: token ids of a text or of a field of every JSONL record, one JSON line each. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Encode text with a Hugging Face tokenizer.json and print one JSON line {\"ids\":[...]} per text.")
public final class TokenizeCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = JsonMappers.json();

    @Spec
    CommandSpec spec;

    @Option(names = "--tokenizer", required = true, paramLabel = "FILE",
            description = "tokenizer.json, or a model directory holding one.")
    Path tokenizer;

    @Option(names = "--text", paramLabel = "TEXT", description = "The text to encode.")
    String text;

    @Option(names = "--jsonl", paramLabel = "FILE", description = "Encode a field of every line of this JSONL file (blank lines are skipped).")
    Path jsonl;

    @Option(names = "--field", paramLabel = "NAME", description = "The string field to encode (with --jsonl).")
    String field;

    @Option(names = "--special", description = "Add special tokens with the tokenizer's post-processor (e.g. BOS).")
    boolean special;

    @Override
    public Integer call() {
        if ((text == null) == (jsonl == null)) {
            throw new ParameterException(spec.commandLine(), "give exactly one of --text and --jsonl");
        }
        if (jsonl != null && field == null) {
            throw new ParameterException(spec.commandLine(), "--jsonl needs --field NAME");
        }
        if (text != null && field != null) {
            throw new ParameterException(spec.commandLine(), "--field goes with --jsonl, not --text");
        }
        Tokenizer tok = Tokenizer.load(tokenizer);
        PrintWriter out = spec.commandLine().getOut();
        if (text != null) {
            print(out, tok.encode(text, special));
        } else {
            encodeJsonl(tok, out);
        }
        out.flush();
        return 0;
    }

    private void encodeJsonl(Tokenizer tok, PrintWriter out) {
        try (Utf8Lines in = Utf8Lines.open(jsonl)) {
            String line;
            while ((line = in.next()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                print(out, tok.encode(JsonlRecord.textField(line, field, in.where()), special));
            }
        }
    }

    private static void print(PrintWriter out, int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length * 6 + 10).append("{\"ids\":[");
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(ids[i]);
        }
        out.println(sb.append("]}"));
    }
}
