/**
 * RULER (NVIDIA, "What's the Real Context Size of Your Long-Context Language Models?") synthetic
 * long-context tasks: generators for the needle-in-a-haystack variants, variable tracking, common
 * and frequent words extraction, with the target length measured in the model's own tokens
 * ({@link dev.nemotron.eval.ruler.TokenCounter}), RULER's scores
 * ({@link dev.nemotron.eval.ruler.RulerMetric}) and a JSONL suite writer
 * ({@link dev.nemotron.eval.ruler.RulerSuite}). See {@code docs/eval-ruler.md}.
 */
package dev.nemotron.eval.ruler;
