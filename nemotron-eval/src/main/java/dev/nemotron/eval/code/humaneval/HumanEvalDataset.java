package dev.nemotron.eval.code.humaneval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.io.Utf8Lines;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.eval.code.lang.CodeLanguage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Loads HumanEval-format JSONL (optionally gzip-compressed): the bundled HumanEval (164 Python
 * problems, MIT) and HumanEval-X Java (164 problems, Apache-2.0) — see the NOTICE.md next to them —
 * or any file of the same shape.
 */
public final class HumanEvalDataset {
    /** The bundled HumanEval resource. */
    public static final String PYTHON_RESOURCE = "HumanEval.jsonl.gz";
    /** The bundled HumanEval-X Java resource. */
    public static final String JAVA_RESOURCE = "humaneval_java.jsonl.gz";

    private static final ObjectMapper JSON = JsonMappers.json();

    private HumanEvalDataset() {
    }

    /** The 164 HumanEval problems (Python). */
    public static List<CodeProblem> python() {
        return bundled(PYTHON_RESOURCE, CodeLanguage.PYTHON);
    }

    /** The 164 HumanEval-X Java problems. */
    public static List<CodeProblem> java() {
        return bundled(JAVA_RESOURCE, CodeLanguage.JAVA);
    }

    /** Problems from a JSONL file ({@code .gz} is decompressed). */
    public static List<CodeProblem> load(Path file, CodeLanguage language) {
        if (!Files.isRegularFile(file)) {
            throw new NemotronException("code problems file not found: " + file);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in, file.toString(), language);
        } catch (IOException e) {
            throw new NemotronException("cannot read code problems from " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<CodeProblem> bundled(String resource, CodeLanguage language) {
        try (InputStream raw = HumanEvalDataset.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalStateException("bundled resource missing: " + resource);
            }
            return parse(new GZIPInputStream(raw), resource, language);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled " + resource, e);
        }
    }

    private static List<CodeProblem> parse(InputStream in, String source, CodeLanguage language) throws IOException {
        List<CodeProblem> out = new ArrayList<>();
        Utf8Lines reader = Utf8Lines.of(in, source);
        String line;
        int lineNo = 0;
        while ((line = reader.next()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(line);
                out.add(new CodeProblem(text(n, "task_id"), language, text(n, "prompt"), text(n, "canonical_solution"),
                        text(n, "test"), text(n, "entry_point")));
            } catch (JsonProcessingException e) {
                throw new NemotronException(source + " line " + lineNo + ": not JSON: " + JsonMappers.describe(e));
            } catch (NemotronException e) {
                throw new NemotronException(source + " line " + lineNo + ": " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new NemotronException(source + " holds no problems");
        }
        return List.copyOf(out);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
