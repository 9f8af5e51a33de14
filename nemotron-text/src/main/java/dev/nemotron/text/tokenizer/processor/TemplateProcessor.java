package dev.nemotron.text.tokenizer.processor;

import dev.nemotron.text.tokenizer.json.JsonAt;
import dev.nemotron.text.tokenizer.text.IntList;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code TemplateProcessing} for a single sequence: its {@code single} template, a list of
 * {@code {"SpecialToken": {"id": "<s>"}}} items (replaced by the ids that {@code special_tokens}
 * gives them) and one {@code {"Sequence": {"id": "A"}}} item (the encoded text).
 */
public final class TemplateProcessor implements PostProcessor {
    /** One template item: the ids of a special token, or {@code null} for the sequence. */
    private final List<int[]> items;

    private TemplateProcessor(List<int[]> items) {
        this.items = items;
    }

    static TemplateProcessor fromJson(JsonAt at) {
        JsonAt specials = at.get("special_tokens");
        List<int[]> items = new ArrayList<>();
        for (JsonAt item : at.require("single").elements()) {
            if (item.has("Sequence")) {
                items.add(null);
            } else if (item.has("SpecialToken")) {
                JsonAt idAt = item.get("SpecialToken").require("id");
                String name = idAt.text();
                JsonAt spec = specials.get(name);
                if (spec.isNull()) {
                    throw idAt.error("special token '" + name + "' is not listed in special_tokens");
                }
                List<JsonAt> ids = spec.require("ids").elements();
                int[] arr = new int[ids.size()];
                for (int i = 0; i < arr.length; i++) {
                    arr[i] = ids.get(i).integer();
                }
                items.add(arr);
            } else {
                throw item.error("expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
            }
        }
        return new TemplateProcessor(items);
    }

    @Override
    public int[] process(int[] ids) {
        IntList out = new IntList(ids.length + 4);
        for (int[] item : items) {
            out.addAll(item == null ? ids : item);
        }
        return out.toArray();
    }
}
