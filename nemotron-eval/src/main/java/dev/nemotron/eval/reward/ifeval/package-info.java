/**
 * The {@code ifeval} reward: instruction following checked by rules, in the manner of Google's
 * IFEval (word, sentence and paragraph counts, keywords, forbidden words, case, JSON output,
 * bullets, sections, placeholders, a postscript, start and end phrases, ...). An example names its
 * instructions with {@code instruction_id_list} and {@code kwargs}
 * ({@link dev.nemotron.eval.reward.ifeval.Instructions}); the score is the fraction followed.
 */
package dev.nemotron.eval.reward.ifeval;
