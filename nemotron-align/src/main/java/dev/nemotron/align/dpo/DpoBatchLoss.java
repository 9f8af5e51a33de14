package dev.nemotron.align.dpo;

import dev.nemotron.align.sft.SftRow;
import dev.nemotron.api.NemotronException;
import dev.nemotron.train.trainer.BatchLoss;
import dev.nemotron.train.trainer.TrainingBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer's loss for DPO batches: each row is a pair (chosen then rejected, see
 * {@link DpoPair#row()}), found by its tokens to get its reference log-probs; one
 * {@link DpoPairLoss} per row. After the step, {@link #metrics()} gives the batch means that go
 * into {@code metrics.jsonl}:
 *
 * <pre>
 * reward_accuracy  share of pairs with chosen_reward &gt; rejected_reward
 * reward_margin    mean chosen_reward - rejected_reward        (rewards: beta (log pi - log pi_ref))
 * chosen_reward, rejected_reward, chosen_logp, rejected_logp   means (log-probs summed over the response)
 * </pre>
 */
public final class DpoBatchLoss implements BatchLoss {
    private final DpoObjective objective;
    private final Map<Key, Integer> index = new HashMap<>();
    private List<DpoPair> pairs = List.of();
    private DpoReference reference;
    private List<DpoPairLoss> last = List.of();

    public DpoBatchLoss(DpoObjective objective) {
        this.objective = objective;
    }

    /** A row's tokens and targets, compared by content. */
    private record Key(int[] inputs, int[] targets) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(inputs, k.inputs) && Arrays.equals(targets, k.targets);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(inputs) + Arrays.hashCode(targets);
        }
    }

    /** The pairs the batches are made of, and their reference log-probs (set before training). */
    public void use(List<DpoPair> newPairs, DpoReference ref) {
        pairs = List.copyOf(newPairs);
        reference = ref;
        index.clear();
        for (int i = 0; i < pairs.size(); i++) {
            SftRow row = pairs.get(i).row();
            // identical rows have identical reference log-probs: any of them will do
            index.putIfAbsent(new Key(row.inputs(), row.targets()), i);
        }
    }

    @Override
    public List<DpoPairLoss> losses(TrainingBatch batch) {
        List<DpoPairLoss> out = new ArrayList<>();
        for (int b = 0; b < batch.inputs().length; b++) {
            Integer i = index.get(new Key(batch.inputs()[b], batch.targets()[b]));
            if (i == null) {
                throw new NemotronException("a DPO batch row is none of the run's pairs (were the pairs changed?)");
            }
            DpoPair p = pairs.get(i);
            out.add(new DpoPairLoss(objective, batch.targets()[b], p.chosen().positions(), reference.chosen()[i],
                    reference.rejected()[i]));
        }
        last = out;
        return out;
    }

    @Override
    public Map<String, Double> metrics() {
        int n = 0;
        double accuracy = 0;
        double margin = 0;
        double cr = 0;
        double rr = 0;
        double cl = 0;
        double rl = 0;
        for (DpoPairLoss l : last) {
            DpoPairLoss.Result r = l.result();
            if (r == null) {
                continue;
            }
            n++;
            accuracy += r.terms().chosenReward() > r.terms().rejectedReward() ? 1 : 0;
            margin += r.terms().chosenReward() - r.terms().rejectedReward();
            cr += r.terms().chosenReward();
            rr += r.terms().rejectedReward();
            cl += r.policyChosen();
            rl += r.policyRejected();
        }
        Map<String, Double> m = new LinkedHashMap<>();
        if (n == 0) {
            return m;
        }
        m.put("reward_accuracy", accuracy / n);
        m.put("reward_margin", margin / n);
        m.put("chosen_reward", cr / n);
        m.put("rejected_reward", rr / n);
        m.put("chosen_logp", cl / n);
        m.put("rejected_logp", rl / n);
        return m;
    }
}
