package dev.nemotron.compress.nas;

import dev.nemotron.arch.estimate.MemoryBudget;
import dev.nemotron.arch.estimate.MemoryEstimate;
import java.util.List;

/**
 * One architecture of the search: its dimensions, the layers it keeps, its memory estimate held
 * against the budget, and (feasible ones) its proxy score and rank.
 *
 * @param dropped the parent's layer indices this candidate removes
 * @param proxy   the ranking proxy's score (NaN: not scored)
 * @param rank    1 = best among the feasible; 0 for infeasible candidates
 */
public record Candidate(int layers, int hidden, int ffn, int mambaHeads, String pattern, List<Integer> dropped,
                        MemoryEstimate estimate, MemoryBudget budget, double proxy, int rank) {
    public Candidate {
        dropped = List.copyOf(dropped);
    }

    public boolean feasible() {
        return budget.feasible();
    }

    public long parameters() {
        return estimate.parameters();
    }

    Candidate withProxy(double score) {
        return new Candidate(layers, hidden, ffn, mambaHeads, pattern, dropped, estimate, budget, score, rank);
    }

    Candidate withRank(int r) {
        return new Candidate(layers, hidden, ffn, mambaHeads, pattern, dropped, estimate, budget, proxy, r);
    }
}
