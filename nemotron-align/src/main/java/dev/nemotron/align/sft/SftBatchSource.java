package dev.nemotron.align.sft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.train.trainer.BatchSource;
import dev.nemotron.train.trainer.TrainingBatch;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fixed rows served in epochs, each epoch in its own seeded order; a packed row goes to the
 * trainer with its {@link Segments}, so no information crosses a sample boundary in any layer.
 *
 * <pre>
 * order(e) = Fisher-Yates shuffle of 0..R-1 with SplittableRandom(seed + e)
 * next(): B rows order(e)[p], order(e)[p+1], ...; at the end of an epoch e += 1, p = 0
 * state  = {"epoch": e, "position": p}   (restoring it continues the same sequence of batches)
 * </pre>
 */
public final class SftBatchSource implements BatchSource {
    private static final ObjectMapper JSON = JsonMappers.json();

    private final List<SftRow> rows;
    private final int batch;
    private final long seed;
    private long epoch;
    private int position;
    private int[] order;

    public SftBatchSource(List<SftRow> rows, int batch, long seed) {
        if (rows.isEmpty() || batch < 1) {
            throw new IllegalArgumentException("need rows and a batch of at least 1");
        }
        this.rows = List.copyOf(rows);
        this.batch = batch;
        this.seed = seed;
        this.order = order(0);
    }

    private int[] order(long e) {
        int[] o = new int[rows.size()];
        for (int i = 0; i < o.length; i++) {
            o[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed + e);
        for (int i = o.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }

    @Override
    public TrainingBatch next() {
        int[][] in = new int[batch][];
        int[][] tg = new int[batch][];
        Segments[] seg = new Segments[batch];
        for (int b = 0; b < batch; b++) {
            if (position == order.length) {
                epoch++;
                position = 0;
                order = order(epoch);
            }
            SftRow row = rows.get(order[position++]);
            in[b] = row.inputs();
            tg[b] = row.targets();
            seg[b] = row.toSegments();
        }
        return new TrainingBatch(in, tg, seg);
    }

    /** Completed epochs plus the fraction of the current one. */
    public double epochs() {
        return epoch + (double) position / order.length;
    }

    @Override
    public String saveState() {
        return JSON.createObjectNode().put("epoch", epoch).put("position", position).toString();
    }

    @Override
    public void restoreState(String state) {
        try {
            JsonNode n = JSON.readTree(state);
            long e = n.path("epoch").asLong(-1);
            int p = n.path("position").asInt(-1);
            if (e < 0 || p < 0 || p > rows.size()) {
                throw new NemotronException("the checkpoint's SFT data position " + state + " does not fit these "
                        + rows.size() + " rows; was the data or sequence length changed since?");
            }
            epoch = e;
            position = p;
            order = order(e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new NemotronException("the checkpoint's data position is not SFT's: " + state);
        }
    }
}
