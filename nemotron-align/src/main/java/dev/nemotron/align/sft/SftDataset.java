package dev.nemotron.align.sft;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.io.Utf8Lines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The samples of SFT JSONL files: every line a {@link SftConversation}, rendered by a
 * {@link SftRenderer} under the {@link SftTransforms}; blank lines are skipped.
 *
 * <pre>
 * for each file, each line (conversation index i counts over all files, bad lines included):
 * 1. parse, decide the transforms for i, render: one sample per assistant turn
 * 2. a bad line: an error naming file and line, or (skipBad) skipped and counted
 * 3. a sample of more than maxPositions + 1 tokens does not fit a row: skipped and counted
 * 4. heldOutFraction &gt; 0: conversation i goes to the held-out set when its seeded draw is below it
 * </pre>
 *
 * @param train           training samples, in file order
 * @param heldOut         held-out samples (empty without a held-out fraction)
 * @param conversations   conversations read
 * @param badLines        lines skipped as bad (only with skipBad)
 * @param tooLong         samples skipped for not fitting maxPositions
 */
public record SftDataset(List<SftSample> train, List<SftSample> heldOut, long conversations, long badLines, long tooLong) {
    private static final Logger LOG = LogManager.getLogger(SftDataset.class);

    /** How to read: transforms, the longest sample, bad lines, the held-out share. */
    public record Options(SftTransforms transforms, int maxPositions, boolean skipBad, double heldOutFraction) {
    }

    public static SftDataset read(List<Path> files, SftRenderer renderer, Options o) {
        List<SftSample> train = new ArrayList<>();
        List<SftSample> held = new ArrayList<>();
        long index = 0;
        long bad = 0;
        long tooLong = 0;
        long conversations = 0;
        for (Path file : files) {
            try (Utf8Lines in = Utf8Lines.open(file)) {
                for (String line; (line = in.next()) != null; ) {
                    if (line.isBlank()) {
                        continue;
                    }
                    long i = index++;
                    String where = in.where();
                    List<SftSample> samples;
                    try {
                        samples = renderer.render(SftConversation.parse(line, where), o.transforms().decide(i), where);
                    } catch (NemotronException e) {
                        if (!o.skipBad()) {
                            throw e;
                        }
                        if (bad++ < 5) {
                            LOG.warn("skipped: {}", e.getMessage());
                        }
                        continue;
                    }
                    conversations++;
                    boolean toHeldOut = o.heldOutFraction() > 0 && heldOutDraw(o.transforms().seed(), i) < o.heldOutFraction();
                    for (SftSample s : samples) {
                        if (s.positions() > o.maxPositions()) {
                            tooLong++;
                        } else {
                            (toHeldOut ? held : train).add(s);
                        }
                    }
                }
            }
        }
        if (bad > 0) {
            LOG.warn("skipped {} bad line(s) (--skip-bad)", bad);
        }
        if (tooLong > 0) {
            LOG.warn("skipped {} sample(s) longer than the sequence length ({} tokens)", tooLong, o.maxPositions() + 1);
        }
        if (train.isEmpty()) {
            throw new NemotronException(String.join(", ", files.stream().map(Path::toString).toList())
                    + ": no training samples (" + conversations + " conversations, " + bad + " bad lines skipped, " + tooLong
                    + " samples longer than the sequence length " + o.maxPositions() + "); give a longer --seq-len or other data");
        }
        return new SftDataset(List.copyOf(train), List.copyOf(held), conversations, bad, tooLong);
    }

    private static double heldOutDraw(long seed, long index) {
        return new java.util.SplittableRandom(seed ^ 0x5DEECE66DL ^ (index * 0x9E3779B97F4A7C15L)).nextDouble();
    }

    /** Samples rendered with reasoning off. */
    public long reasoningOff() {
        return train.stream().filter(s -> !s.thinking()).count();
    }

    /** Samples whose trace was cut. */
    public long truncated() {
        return train.stream().filter(s -> s.truncatedTo() > 0).count();
    }

    /** Tokens carrying loss over the training samples. */
    public long lossTokens() {
        return train.stream().mapToLong(SftSample::lossTokens).sum();
    }
}
