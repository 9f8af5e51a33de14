package dev.nemotron.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.eval.data.Doc;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What a stored sample was made with: SHA-256 over the task's config (keys sorted, {@code repeats}
 * left out so that asking for more repeats reuses the ones already made), the model's id, and
 * every problem of the data set (so an edited data set is not silently reused). The first 16 hex
 * digits are kept.
 */
public final class ConfigDigest {
    private ConfigDigest() {
    }

    public static String of(ObjectNode taskConfig, String modelId, List<Doc> docs) {
        ObjectNode config = taskConfig.deepCopy();
        config.remove("repeats");
        MessageDigest sha = sha256();
        update(sha, canonical(config).toString());
        update(sha, "\u0000model\u0000" + modelId);
        for (Doc d : docs) {
            update(sha, "\u0000doc\u0000" + d.fields().toString());
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    /** A copy with every mapping's keys in sorted order. */
    static JsonNode canonical(JsonNode n) {
        if (n.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            List<String> keys = new ArrayList<>();
            n.fieldNames().forEachRemaining(keys::add);
            keys.sort(null);
            for (String k : keys) {
                out.set(k, canonical(n.get(k)));
            }
            return out;
        }
        if (n.isArray()) {
            var out = JsonNodeFactory.instance.arrayNode();
            n.forEach(e -> out.add(canonical(e)));
            return out;
        }
        return n;
    }

    private static void update(MessageDigest sha, String s) {
        sha.update(s.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
