package dev.nemotron.train.schedule;

/** The linear warmup shared by the schedules. */
final class Warmup {
    private Warmup() {
    }

    static void checkStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0: " + step);
        }
    }

    /** {@code peak * step / warmup} for {@code step < warmup}; callers handle {@code step >= warmup}. */
    static double ramp(double peak, long step, long warmup) {
        return peak * step / warmup;
    }

    static void checkLr(String what, double lr) {
        if (!(lr >= 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException(what + " must be finite and >= 0: " + lr);
        }
    }
}
