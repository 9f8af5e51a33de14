package dev.nemotron.arch.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Rewrites a {@code layers_block_type} config into the {@code hybrid_override_pattern} spelling. */
public final class PatternSpelling {
    private PatternSpelling() {
    }

    public static ObjectNode of(ObjectNode cfg) {
        StringBuilder p = new StringBuilder();
        for (var t : cfg.get("layers_block_type")) {
            p.append(switch (t.textValue()) {
                case "linear_attention", "mamba" -> 'M';
                case "full_attention", "attention" -> '*';
                case "mlp" -> '-';
                default -> throw new AssertionError(t);
            });
        }
        ObjectNode copy = cfg.deepCopy();
        copy.remove("layers_block_type");
        copy.put("hybrid_override_pattern", p.toString());
        return copy;
    }
}
