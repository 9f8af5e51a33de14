package dev.nemotron.eval.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.io.Utf8Lines;
import dev.nemotron.api.json.JsonMappers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a JSONL data set ({@code .jsonl}, or gzip-compressed {@code .jsonl.gz}): one JSON object
 * per line, blank lines skipped. A bad line is one error naming the file and the line.
 */
public final class JsonlReader {
    private static final ObjectMapper JSON = JsonMappers.json();

    private JsonlReader() {
    }

    /** Every record of {@code relative} in {@code location}, numbered from 0 in file order. */
    public static List<Doc> read(TaskLocation location, String relative) {
        String name = location.describe(relative);
        List<Doc> out = new ArrayList<>();
        try (InputStream raw = location.open(relative);
             InputStream in = relative.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             Utf8Lines r = Utf8Lines.of(in, name)) {
            String line;
            int lineNo = 0;
            while ((line = r.next()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (com.fasterxml.jackson.core.JacksonException e) {
                    throw new NemotronException(name + ":" + lineNo + ": not valid JSON: " + JsonMappers.problem(e));
                }
                if (!(node instanceof ObjectNode o)) {
                    throw new NemotronException(name + ":" + lineNo + ": each line must be a JSON object, got " + node.getNodeType());
                }
                out.add(new Doc(out.size(), o, shortName(relative) + ":" + lineNo));
            }
        } catch (IOException e) {
            throw new NemotronException(name + ": cannot read: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new NemotronException(name + ": the data set is empty");
        }
        return out;
    }

    private static String shortName(String relative) {
        int slash = relative.lastIndexOf('/');
        return slash < 0 ? relative : relative.substring(slash + 1);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "syntax error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
