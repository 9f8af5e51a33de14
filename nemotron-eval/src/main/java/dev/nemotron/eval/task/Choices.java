package dev.nemotron.eval.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.data.Doc;
import java.util.ArrayList;
import java.util.List;

/** The options and the gold option of one multiple-choice problem. */
public final class Choices {
    private Choices() {
    }

    /** The options' texts. */
    public static List<String> of(TaskSpec task, Doc doc) {
        ChoicesSpec spec = task.choices();
        List<String> out = new ArrayList<>();
        if (spec.field() != null) {
            JsonNode list = doc.get(spec.field());
            if (list == null || !list.isArray() || list.size() < 2) {
                throw new NemotronException(task.origin() + ": choices: " + doc.where() + " field '" + spec.field()
                        + "' must be a list of at least two options");
            }
            list.forEach(v -> out.add(v.isValueNode() ? v.asText() : v.toString()));
        } else {
            for (Template t : spec.templates()) {
                out.add(t.render(doc));
            }
        }
        return out;
    }

    /**
     * The gold option's index: {@code gold} renders to an index (used when in range, as
     * lm-evaluation-harness reads a number) or else to one of the options' texts.
     */
    public static int gold(TaskSpec task, Doc doc, List<String> choices) {
        String g = task.gold().render(doc).strip();
        try {
            int i = Integer.parseInt(g);
            if (i >= 0 && i < choices.size()) {
                return i;
            }
        } catch (NumberFormatException e) {
            // not an index: an option's text
        }
        int i = choices.indexOf(g);
        if (i < 0) {
            throw new NemotronException(task.origin() + ": gold: " + doc.where() + " gives '" + g
                    + "', neither an option index (0.." + (choices.size() - 1) + ") nor one of the options");
        }
        return i;
    }
}
