package dev.nemotron.eval.ruler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link RulerSample} as one JSON object: {@code index, task, length, tokens, max_new_tokens,
 * input, answer_prefix, outputs, metric, prompt_format, seed, haystack, haystack_size,
 * haystack_units, needles [{text, depth, unit, units, char_offset, token_offset}], details}.
 */
final class RulerJson {
    static final ObjectMapper MAPPER = JsonMappers.json();

    private RulerJson() {
    }

    static ObjectNode toJson(RulerSample s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("index", s.index());
        o.put("task", s.task().id());
        o.put("length", s.length());
        o.put("tokens", s.tokens());
        o.put("max_new_tokens", s.maxNewTokens());
        o.put("input", s.input());
        o.put("answer_prefix", s.answerPrefix());
        ArrayNode outputs = o.putArray("outputs");
        s.outputs().forEach(outputs::add);
        o.put("metric", s.metric().id());
        o.put("prompt_format", s.promptFormat());
        o.put("seed", s.seed());
        o.put("haystack", s.haystack());
        o.put("haystack_size", s.haystackSize());
        o.put("haystack_units", s.haystackUnits());
        ArrayNode needles = o.putArray("needles");
        for (NeedlePosition n : s.needles()) {
            ObjectNode j = needles.addObject();
            j.put("text", n.text());
            j.put("depth", n.depth());
            j.put("unit", n.unit());
            j.put("units", n.units());
            j.put("char_offset", n.charOffset());
            j.put("token_offset", n.tokenOffset());
        }
        o.set("details", MAPPER.valueToTree(s.details()));
        return o;
    }

    /**
     * The sample a JSON object describes.
     *
     * @throws NemotronException when a field is missing or of the wrong type
     */
    static RulerSample fromJson(JsonNode o) {
        List<String> outputs = new ArrayList<>();
        for (JsonNode a : array(o, "outputs")) {
            outputs.add(a.asText());
        }
        List<NeedlePosition> needles = new ArrayList<>();
        for (JsonNode n : array(o, "needles")) {
            needles.add(new NeedlePosition(text(n, "text"), number(n, "depth").asDouble(), number(n, "unit").asInt(),
                    number(n, "units").asInt(), number(n, "char_offset").asInt(), number(n, "token_offset").asInt()));
        }
        JsonNode details = o.get("details");
        @SuppressWarnings("unchecked")
        Map<String, Object> map = details == null || details.isNull() ? Map.of() : MAPPER.convertValue(details, LinkedHashMap.class);
        return new RulerSample(RulerTask.parse(text(o, "task")), number(o, "index").asInt(), number(o, "length").asInt(),
                number(o, "tokens").asInt(), number(o, "max_new_tokens").asInt(), text(o, "input"), text(o, "answer_prefix"),
                outputs, RulerMetric.parse(text(o, "metric")), text(o, "prompt_format"), number(o, "seed").asLong(),
                text(o, "haystack"), number(o, "haystack_size").asInt(), number(o, "haystack_units").asInt(), needles, map);
    }

    private static JsonNode field(JsonNode o, String name) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            throw new NemotronException("field '" + name + "' is missing");
        }
        return v;
    }

    private static String text(JsonNode o, String name) {
        JsonNode v = field(o, name);
        if (!v.isTextual()) {
            throw new NemotronException("field '" + name + "' must be a string");
        }
        return v.asText();
    }

    private static JsonNode number(JsonNode o, String name) {
        JsonNode v = field(o, name);
        if (!v.isNumber()) {
            throw new NemotronException("field '" + name + "' must be a number");
        }
        return v;
    }

    private static JsonNode array(JsonNode o, String name) {
        JsonNode v = field(o, name);
        if (!v.isArray()) {
            throw new NemotronException("field '" + name + "' must be an array");
        }
        return v;
    }
}
