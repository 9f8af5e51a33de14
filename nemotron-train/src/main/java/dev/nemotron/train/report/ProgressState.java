package dev.nemotron.train.report;

/**
 * What a progress line shows. Unknown values are NaN and left out of the line.
 *
 * @param step            the last finished step (counted from 1)
 * @param total           the steps of the run, {@code >= 1}
 * @param loss            training loss of the last step
 * @param evalLoss        the latest held-out loss
 * @param lr              learning rate of the last step
 * @param tokensPerSecond throughput
 * @param etaSeconds      estimated time to the end
 * @param elapsedSeconds  time since the bar started
 * @param finished        the run is over: the line shows the time taken instead of the ETA
 */
public record ProgressState(long step, long total, double loss, double evalLoss, double lr, double tokensPerSecond,
        double etaSeconds, double elapsedSeconds, boolean finished) {
    public ProgressState {
        if (total < 1) {
            throw new IllegalArgumentException("total steps must be >= 1, got " + total);
        }
    }
}
