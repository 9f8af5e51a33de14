/**
 * Math answer equivalence, in the spirit of Hugging Face Math-Verify, in plain Java with no
 * computer algebra system: {@link dev.nemotron.eval.math.MathAnswerExtractor} finds the final
 * answer of a completion ({@code \boxed{}}, {@code ####}, "the answer is", the last number),
 * {@link dev.nemotron.eval.math.MathVerifier} decides whether two answers are mathematically the
 * same (exact rationals and radicals, a small expression algebra, numeric checks at random
 * points, sets, tuples, intervals, percentages, units), and
 * {@link dev.nemotron.eval.math.MathRewardProvider} offers it as the {@code math} reward. See
 * {@code docs/eval-math.md}.
 */
package dev.nemotron.eval.math;
