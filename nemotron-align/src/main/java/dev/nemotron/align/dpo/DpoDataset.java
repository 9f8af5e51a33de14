package dev.nemotron.align.dpo;

import dev.nemotron.align.sft.SftRenderer;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.io.Utf8Lines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The pairs of DPO JSONL files ({@link DpoPair}); blank lines are skipped.
 *
 * <pre>
 * for each file, each line:
 * 1. parse and render the pair
 * 2. a bad line: an error naming file and line, or (skipBad) skipped and counted
 * 3. a pair whose chosen or rejected sample has more than maxPositions positions: skipped and counted
 * </pre>
 *
 * @param pairs    the pairs, in file order
 * @param badLines lines skipped as bad (only with skipBad)
 * @param tooLong  pairs skipped for a response sample longer than maxPositions
 */
public record DpoDataset(List<DpoPair> pairs, long badLines, long tooLong) {
    private static final Logger LOG = LogManager.getLogger(DpoDataset.class);

    public static DpoDataset read(List<Path> files, SftRenderer renderer, int maxPositions, boolean skipBad) {
        List<DpoPair> pairs = new ArrayList<>();
        long bad = 0;
        long tooLong = 0;
        for (Path file : files) {
            try (Utf8Lines in = Utf8Lines.open(file)) {
                for (String line; (line = in.next()) != null; ) {
                    if (line.isBlank()) {
                        continue;
                    }
                    DpoPair pair;
                    try {
                        pair = DpoPair.parse(line, in.where(), renderer);
                    } catch (NemotronException e) {
                        if (!skipBad) {
                            throw e;
                        }
                        if (bad++ < 5) {
                            LOG.warn("skipped: {}", e.getMessage());
                        }
                        continue;
                    }
                    if (pair.chosen().positions() > maxPositions || pair.rejected().positions() > maxPositions) {
                        tooLong++;
                    } else {
                        pairs.add(pair);
                    }
                }
            }
        }
        if (bad > 0) {
            LOG.warn("skipped {} bad line(s) (--skip-bad)", bad);
        }
        if (tooLong > 0) {
            LOG.warn("skipped {} pair(s) with a response sample longer than the sequence length ({} positions)", tooLong,
                    maxPositions);
        }
        if (pairs.isEmpty()) {
            throw new NemotronException(String.join(", ", files.stream().map(Path::toString).toList()) + ": no preference pairs ("
                    + bad + " bad lines skipped, " + tooLong + " longer than the sequence length " + maxPositions
                    + "); give a longer --seq-len or other data");
        }
        return new DpoDataset(List.copyOf(pairs), bad, tooLong);
    }
}
