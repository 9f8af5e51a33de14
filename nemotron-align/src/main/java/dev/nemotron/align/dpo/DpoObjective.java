package dev.nemotron.align.dpo;

import dev.nemotron.api.NemotronException;
import java.util.Locale;

/**
 * The DPO objective of one preference pair, from the summed response log-probabilities of the
 * policy and of the frozen reference, with its derivatives (Rafailov et al. 2023; IPO: Azar et
 * al. 2023; label smoothing: the "conservative DPO" of TRL's {@code label_smoothing}).
 *
 * <pre>
 * inputs: pc = log pi(chosen|x), pr = log pi(rejected|x), rc, rr the reference's (sums over response tokens)
 * 1. h = (pc - rc) - (pr - rr)                      the difference of log-ratios
 * 2. sigmoid: z = beta h
 *             loss = (1 - eps) softplus(-z) + eps softplus(z)        (softplus(-z) = -log sigmoid(z))
 *             d loss / d h = beta ((1 - eps) (-sigmoid(-z)) + eps sigmoid(z))
 *    ipo:     loss = (h - 1 / (2 beta))^2
 *             d loss / d h = 2 (h - 1 / (2 beta))
 * 3. d loss / d pc = d loss / d h,   d loss / d pr = -d loss / d h
 * 4. implicit rewards: chosen = beta (pc - rc), rejected = beta (pr - rr)
 * </pre>
 *
 * At initialisation (policy = reference) h = 0 and the sigmoid loss is exactly log 2 for any
 * beta and eps.
 *
 * @param kind           sigmoid (DPO) or ipo
 * @param beta           the KL strength (> 0; TRL's default 0.1)
 * @param labelSmoothing eps in [0, 0.5): the assumed share of flipped labels (sigmoid only)
 */
public record DpoObjective(Kind kind, double beta, double labelSmoothing) {
    public static final double DEFAULT_BETA = 0.1;

    /** The loss family. */
    public enum Kind {
        SIGMOID, IPO;

        /** {@code sigmoid} or {@code ipo}. */
        public static Kind parse(String name) {
            return switch (name.strip().toLowerCase(Locale.ROOT)) {
                case "sigmoid", "dpo" -> SIGMOID;
                case "ipo" -> IPO;
                default -> throw new NemotronException("unknown DPO loss '" + name + "' (expected sigmoid or ipo)");
            };
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DpoObjective {
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new NemotronException("DPO beta must be a positive number, got " + beta);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new NemotronException("DPO label smoothing must be in [0, 0.5), got " + labelSmoothing);
        }
        if (kind == Kind.IPO && labelSmoothing != 0) {
            throw new NemotronException("label smoothing applies to the sigmoid loss only, not to ipo");
        }
    }

    /**
     * One pair's loss and derivatives.
     *
     * @param loss           the pair's loss
     * @param dChosen        d loss / d log pi(chosen|x)
     * @param dRejected      d loss / d log pi(rejected|x)
     * @param chosenReward   beta (pc - rc)
     * @param rejectedReward beta (pr - rr)
     */
    public record Terms(double loss, double dChosen, double dRejected, double chosenReward, double rejectedReward) {
    }

    /** The terms for policy log-probs {@code pc, pr} and reference log-probs {@code rc, rr}. */
    public Terms of(double pc, double pr, double rc, double rr) {
        // 1. the difference of log-ratios
        double h = (pc - rc) - (pr - rr);
        // 2. the loss and d loss / d h
        double loss;
        double dh;
        if (kind == Kind.SIGMOID) {
            double z = beta * h;
            double eps = labelSmoothing;
            loss = (1 - eps) * softplus(-z) + (eps == 0 ? 0 : eps * softplus(z));
            dh = beta * (-(1 - eps) * sigmoid(-z) + eps * sigmoid(z));
        } else {
            double d = h - 1 / (2 * beta);
            loss = d * d;
            dh = 2 * d;
        }
        // 3-4. derivatives and rewards
        return new Terms(loss, dh, -dh, beta * (pc - rc), beta * (pr - rr));
    }

    /** log(1 + e^x), without overflow. */
    static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    /** 1 / (1 + e^-x), without overflow. */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }
}
