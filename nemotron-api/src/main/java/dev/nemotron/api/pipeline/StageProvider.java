package dev.nemotron.api.pipeline;

import dev.nemotron.api.backend.Availability;

/**
 * Service provider of one pipeline stage type, discovered with {@link java.util.ServiceLoader}.
 *
 * <p>A module declares {@code provides dev.nemotron.api.pipeline.StageProvider with ...} in its
 * {@code module-info.java} (and, for the class path, a {@code META-INF/services} entry). Providers
 * must be cheap to construct and must not fail: what can go wrong on a given machine is reported
 * through {@link #availability()}, and {@link #create} is only called when it says available.
 * The pipeline runner selects a provider by the {@code type} of a spec entry and knows no type by
 * name.
 */
public interface StageProvider {
    /**
     * Short, stable, lower-case name spec entries select the stage by ({@code type: pretrain}),
     * e.g. {@code "pretrain"}, {@code "generate"}.
     */
    String type();

    /** One line for listings, e.g. {@code "generate completions of prompts with the input model"}. */
    String description();

    /** Whether the stage can run here, with a reason in either case; pure-Java stages always can. */
    default Availability availability() {
        return Availability.available("pure Java");
    }

    /**
     * Checks the parameters of one spec entry and returns the stage that will run them.
     *
     * <p>This checks the shape of the parameters only (required fields, types, ranges, unknown
     * fields): it must not read files, load models or start work. The runner calls it for every
     * stage before the first one runs (so that a typo in the last stage fails at once), with
     * references to earlier stages' outputs ({@code "${tokenize.dataset}"}) still unresolved, and
     * again with them resolved just before the stage runs. Files named by the parameters may be
     * produced by earlier stages, so check them in {@link Stage#run}.
     *
     * @throws dev.nemotron.api.NemotronException for a missing, mistyped, out-of-range or unknown
     *     field, with a message naming the stage and the field (see {@link StageParams#invalid})
     */
    Stage create(StageSpec spec);
}
