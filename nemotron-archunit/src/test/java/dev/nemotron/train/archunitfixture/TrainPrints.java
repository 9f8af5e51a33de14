package dev.nemotron.train.archunitfixture;

/** Violates onlyCliChoosesLoggingImplementation: library code prints to System.out. */
public final class TrainPrints {
    public void report(double loss) {
        System.out.println("loss " + loss);
    }
}
