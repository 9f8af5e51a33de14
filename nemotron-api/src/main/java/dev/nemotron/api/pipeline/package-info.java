/**
 * The stage SPI of the unified pipeline: one step of a pretrain-to-serve run (pretrain, cpt,
 * sft, dpo, grpo, prune, distill, merge, eval, generate, serve, export, ...), so that the
 * pipeline runner knows no stage by name.
 *
 * <p>A {@link dev.nemotron.api.pipeline.StageProvider}, found with {@link java.util.ServiceLoader},
 * claims a stage type (e.g. {@code "generate"}), reports whether it can run here, and turns the
 * parameters of one entry of a pipeline spec ({@link dev.nemotron.api.pipeline.StageSpec}, with
 * typed getters in {@link dev.nemotron.api.pipeline.StageParams}) into a
 * {@link dev.nemotron.api.pipeline.Stage}, rejecting bad parameters with messages that name the
 * stage and the field. The runner gives the stage a {@link dev.nemotron.api.pipeline.StageContext}
 * (its own work directory, the input model, the directory relative paths are resolved against) and
 * records its {@link dev.nemotron.api.pipeline.StageResult} (an output model, or none, and a
 * summary of JSON values that later stages can refer to as {@code ${stage.key}}).
 *
 * <p>Everything here depends on the JDK alone, so a stage plugin can be written against
 * {@code nemotron-api} only. See {@code docs/pipeline.md} for the spec format and the rules by
 * which the runner skips completed stages.
 */
package dev.nemotron.api.pipeline;
