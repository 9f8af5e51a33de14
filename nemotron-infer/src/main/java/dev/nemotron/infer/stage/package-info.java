/**
 * Pipeline stages of the inference module: {@code generate}
 * ({@link dev.nemotron.infer.stage.GenerateStageProvider}), found by the pipeline runner through
 * {@link dev.nemotron.api.pipeline.StageProvider}.
 */
package dev.nemotron.infer.stage;
