package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.distributed.ProcessGroup;
import dev.nemotron.api.distributed.Rendezvous;
import dev.nemotron.api.distributed.TcpProcessGroup;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.backend.DiscoveredBackend;
import dev.nemotron.cli.train.RankLauncher;
import dev.nemotron.cli.train.TrainingProgress;
import dev.nemotron.train.pretrain.PretrainJob;
import dev.nemotron.train.pretrain.PretrainResult;
import dev.nemotron.train.pretrain.PretrainSpec;
import java.io.PrintWriter;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code nemotron pretrain|cpt|sft|dpo --ranks N} / {@code --gpus N} (docs/distributed.md): the
 * launcher side ({@link #launch}: check the spec and the device once, then start and supervise N
 * child JVMs with {@link RankLauncher}) and the rank side ({@link #rank}: join the host group through
 * the rendezvous the launcher gave, run the command's job as that rank, e.g.
 * {@link PretrainJob#dataParallel}).
 */
final class DataParallelRun {
    /**
     * The commands that run ranks: pretraining's loop on its data (pretrain, cpt), on SFT rows (sft)
     * and on DPO pairs (dpo). Not yet: distill (its teacher's logits) and grpo (generation).
     */
    private static final Set<String> COMMANDS = Set.of("pretrain", "cpt", "sft", "dpo");

    private final CommandSpec spec;
    private final int ranks;

    DataParallelRun(CommandSpec spec, int ranks) {
        this.spec = spec;
        this.ranks = ranks;
    }

    /**
     * The number of ranks: {@code rank}'s group size in a rank (a child of the launcher, or started by
     * hand), else the ranks asked for (1 when neither flag is given). The launcher and its ranks, which
     * get the same flags, apply the same defaults to {@code node}: with {@code --gpus}, the backend is
     * cuda; without a thread count, each rank takes its share of the cores.
     */
    static int ranks(CommandSpec spec, Integer ranks, Integer gpus, ObjectNode node, Rendezvous rank) {
        int n = fromFlags(spec, ranks, gpus, node);
        if (rank == null) {
            return n;
        }
        requireSupported(spec);
        return rank.size();
    }

    private static int fromFlags(CommandSpec spec, Integer ranks, Integer gpus, ObjectNode node) {
        if (ranks != null && gpus != null) {
            throw new NemotronException("give --ranks or --gpus, not both (--gpus N: N ranks with one GPU each)");
        }
        Integer n = gpus != null ? gpus : ranks;
        if (n == null || n == 1) {
            return 1;
        }
        if (n < 1 || n > Rendezvous.MAX_SIZE) {
            throw new NemotronException((gpus != null ? "--gpus" : "--ranks") + " must be 1 to " + Rendezvous.MAX_SIZE + ", got " + n);
        }
        requireSupported(spec);
        if (gpus != null && !node.hasNonNull("backend")) {
            node.put("backend", "cuda");
        }
        if (!node.hasNonNull("threads")) {
            node.put("threads", Math.max(1, Runtime.getRuntime().availableProcessors() / n));
        }
        return n;
    }

    /** Fails unless {@code spec}'s command runs data-parallel ranks. */
    private static void requireSupported(CommandSpec spec) {
        if (!COMMANDS.contains(spec.name())) {
            throw new NemotronException("nemotron " + spec.name() + " does not run data-parallel ranks yet; leave --ranks/--gpus out"
                    + " (pretrain, cpt, sft and dpo do)");
        }
    }

    /**
     * Checks the run once ({@code training}: the spec its command prepared, e.g. text tokenised),
     * then runs the ranks as child JVMs to their end (rank 0 prints the result).
     */
    void launch(PretrainSpec training) {
        if (training.batch() % ranks != 0) {
            throw new NemotronException("--batch " + training.batch() + " does not split evenly over " + ranks
                    + " ranks: give a multiple of " + ranks);
        }
        if (training.backend() != null) {
            requireBackend(training.backend());
        }
        var args = spec.root().commandLine().getParseResult().originalArgs();
        new RankLauncher(RankLauncher.sameJvm(args), ranks, training.backend() != null).run(System.out, System.err);
    }

    /** Trains {@code run} as the rank {@code rv} names; returns the result on rank 0, null on the others. */
    PretrainResult rank(PretrainCommand.Prepared run, Rendezvous rv) {
        PrintWriter err = spec.commandLine().getErr();
        int failRank = testFailRank();
        try (ProcessGroup g = TcpProcessGroup.join(rv)) {
            TrainingProgress progress = g.leader() ? new TrainingProgress(run.training().steps(), err) : null;
            PretrainResult r = run.run(g, m -> {
                if (progress != null) {
                    progress.accept(m);
                }
                if (g.rank() == failRank && m.step() == 2) {
                    err.println("error: rank " + g.rank() + " stops as " + RankLauncher.FAIL_RANK + " asks (a test of the launcher)");
                    err.flush();
                    Runtime.getRuntime().halt(3);
                }
            });
            if (progress != null) {
                progress.finish();
            }
            return g.leader() ? r : null;
        }
    }

    private static int testFailRank() {
        String v = System.getenv(RankLauncher.FAIL_RANK);
        try {
            return v == null ? -1 : Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** One error line, before any rank starts, when the backend cannot run here. */
    private static void requireBackend(String name) {
        DiscoveredBackend found = Backends.discover().stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new NemotronException("no backend named '" + name + "' (found: "
                        + Backends.discover().stream().map(DiscoveredBackend::name).collect(Collectors.joining(", ")) + ")"));
        if (!found.availability().available()) {
            throw new NemotronException("--backend " + name + " cannot train data-parallel here: "
                    + found.availability().reason() + "; leave --backend out to run the ranks on the host");
        }
    }
}
