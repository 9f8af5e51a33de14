package dev.nemotron.compress.distill;

import dev.nemotron.api.NemotronException;
import java.util.Locale;

/** Which KL between teacher p and student q distillation minimises. */
public enum Divergence {
    /** KL(p || q): mass-covering, the Minitron / Nemotron Nano 2 choice (the default). */
    FORWARD,
    /** KL(q || p): mode-seeking. */
    REVERSE;

    public static Divergence parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "forward", "fkl", "forward_kl" -> FORWARD;
            case "reverse", "rkl", "reverse_kl" -> REVERSE;
            default -> throw new NemotronException("divergence must be 'forward' (KL(teacher || student)) or 'reverse' "
                    + "(KL(student || teacher)), got '" + name + "'");
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
