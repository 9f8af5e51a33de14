package dev.nemotron.train.optim;

import dev.nemotron.api.optim.Parameter;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Decides by parameter name whether a parameter gets weight decay.
 *
 * <p>{@link #nemotronDefault()} follows the Nemotron-H recipe: decay for the matrices (projections,
 * embeddings, {@code lm_head}, the Mamba-2 {@code conv1d.weight}), none for
 * <ul>
 *   <li>norm weights: any name whose last component before {@code .weight} contains {@code norm}
 *       ({@code layers.0.norm.weight}, the Mamba-2 gated {@code mixer.norm.weight},
 *       {@code norm_f.weight}), and any name with a component {@code norm_f};</li>
 *   <li>biases: a last component {@code bias} ({@code conv1d.bias}, {@code q_proj.bias});</li>
 *   <li>the Mamba-2 SSM parameters {@code A_log}, {@code D} and {@code dt_bias} (last component).</li>
 * </ul>
 * Names are HF checkpoint names, e.g. {@code backbone.layers.3.mixer.A_log}.
 */
@FunctionalInterface
public interface DecayPolicy {
    /** Whether the parameter named {@code name} gets weight decay. */
    boolean decays(String name);

    /** The Nemotron-H policy described above. */
    static DecayPolicy nemotronDefault() {
        return DecayPolicy::nemotronDecays;
    }

    /** Decay for every parameter. */
    static DecayPolicy all() {
        return name -> true;
    }

    /** Decay for no parameter. */
    static DecayPolicy none() {
        return name -> false;
    }

    /** This policy, but no decay where {@code exclude} matches too. */
    default DecayPolicy except(Predicate<String> exclude) {
        Objects.requireNonNull(exclude, "exclude");
        return name -> decays(name) && !exclude.test(name);
    }

    /** A {@link Parameter} view with the decay flag this policy gives {@code name}. */
    default Parameter parameter(String name, double[] values, double[] grads) {
        return new Parameter(name, values, grads, decays(name));
    }

    private static boolean nemotronDecays(String name) {
        String[] parts = name.split("\\.");
        String last = parts[parts.length - 1];
        if (last.equals("bias") || last.equals("A_log") || last.equals("D") || last.equals("dt_bias")) {
            return false;
        }
        for (String p : parts) {
            if (p.equals("norm_f")) {
                return false;
            }
        }
        if (last.equals("weight") && parts.length >= 2 && parts[parts.length - 2].toLowerCase(java.util.Locale.ROOT).contains("norm")) {
            return false;
        }
        return true;
    }
}
