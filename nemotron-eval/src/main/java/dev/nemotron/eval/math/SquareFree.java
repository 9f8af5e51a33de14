package dev.nemotron.eval.math;

import java.math.BigInteger;
import java.util.Optional;

/**
 * Writes a positive integer as {@code s² · f} with {@code f} square-free, so that
 * {@code √n = s·√f} ({@code √8 = 2√2}, {@code √12 = 2√3}).
 *
 * <ol>
 *   <li>Divide out every prime power {@code p^k} for {@code p ≤ 10⁵} by trial division: {@code p}
 *       goes {@code k/2} times into {@code s} and, when {@code k} is odd, once into {@code f}.</li>
 *   <li>What remains has only prime factors above 10⁵. If it is a perfect square, its root goes
 *       into {@code s}; if it is below 10¹⁵ it has at most two such prime factors, so it is
 *       either a square (done) or square-free and goes into {@code f}.</li>
 *   <li>Otherwise the split is unknown and the answer is empty (callers fall back to floating
 *       point).</li>
 * </ol>
 */
final class SquareFree {
    private static final long TRIAL_LIMIT = 100_000;
    private static final BigInteger CUBE_LIMIT = BigInteger.TEN.pow(15);
    private static final int MAX_BITS = 256;

    private SquareFree() {
    }

    /** {@code {s, f}} with {@code n = s²·f} and {@code f} square-free; empty when {@code n ≤ 0} or unknown. */
    static Optional<BigInteger[]> split(BigInteger n) {
        if (n.signum() <= 0 || n.bitLength() > MAX_BITS) {
            return Optional.empty();
        }
        BigInteger s = BigInteger.ONE;
        BigInteger f = BigInteger.ONE;
        BigInteger rest = n;
        for (long p = 2; p <= TRIAL_LIMIT && BigInteger.valueOf(p).multiply(BigInteger.valueOf(p)).compareTo(rest) <= 0;
                p += (p == 2 ? 1 : 2)) {
            BigInteger bp = BigInteger.valueOf(p);
            int k = 0;
            while (rest.mod(bp).signum() == 0) {
                rest = rest.divide(bp);
                k++;
            }
            s = s.multiply(bp.pow(k / 2));
            if (k % 2 == 1) {
                f = f.multiply(bp);
            }
        }
        if (rest.equals(BigInteger.ONE)) {
            return Optional.of(new BigInteger[] {s, f});
        }
        BigInteger root = rest.sqrt();
        if (root.multiply(root).equals(rest)) {
            return Optional.of(new BigInteger[] {s.multiply(root), f});
        }
        boolean trialCoveredRoot = BigInteger.valueOf(TRIAL_LIMIT).pow(2).compareTo(rest) >= 0;
        if (trialCoveredRoot || rest.compareTo(CUBE_LIMIT) < 0) {
            return Optional.of(new BigInteger[] {s, f.multiply(rest)});
        }
        return Optional.empty();
    }
}
