package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.distributed.ProcessGroup;
import dev.nemotron.api.distributed.Rendezvous;
import dev.nemotron.api.distributed.TcpProcessGroup;
import dev.nemotron.arch.backend.Backends;
import dev.nemotron.arch.backend.DiscoveredBackend;
import dev.nemotron.cli.train.RankLauncher;
import dev.nemotron.cli.train.TrainingInputs;
import dev.nemotron.cli.train.TrainingProgress;
import dev.nemotron.train.pretrain.PretrainJob;
import dev.nemotron.train.pretrain.PretrainResult;
import dev.nemotron.train.pretrain.PretrainSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code nemotron pretrain --ranks N} / {@code --gpus N} (docs/distributed.md): the launcher side
 * ({@link #launch}: check the spec and the device once, then start and supervise N child JVMs with
 * {@link RankLauncher}) and the rank side ({@link #rank}: join the host group through the
 * rendezvous the launcher gave, train with {@link PretrainJob#dataParallel}).
 */
final class DataParallelRun {
    /** The commands whose training is pretraining's own loop (sft, distill bring their own data and loss). */
    private static final Set<String> COMMANDS = Set.of("pretrain", "cpt");

    private final CommandSpec spec;
    private final int ranks;

    DataParallelRun(CommandSpec spec, int ranks) {
        this.spec = spec;
        this.ranks = ranks;
    }

    /**
     * The ranks asked for (1 when neither flag is given); with {@code --gpus}, the backend defaults to
     * cuda; without a thread count, each rank takes its share of the cores.
     */
    static int ranks(CommandSpec spec, Integer ranks, Integer gpus, ObjectNode node) {
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
        if (!COMMANDS.contains(spec.name())) {
            throw new NemotronException("nemotron " + spec.name() + " does not run data-parallel ranks yet; leave --ranks/--gpus out"
                    + " (pretrain and cpt do)");
        }
        if (gpus != null && !node.hasNonNull("backend")) {
            node.put("backend", "cuda");
        }
        if (!node.hasNonNull("threads")) {
            node.put("threads", Math.max(1, Runtime.getRuntime().availableProcessors() / n));
        }
        return n;
    }

    /** Checks the run once, then runs the ranks as child JVMs to their end (rank 0 prints the result). */
    void launch(ObjectNode node, Path cwd, String source) {
        TrainingInputs inputs = new TrainingInputs(node, cwd);
        inputs.resolveInto(node);  // tokenises text data once, here: the ranks find it done
        PretrainSpec s = PretrainSpec.parse(node, source, cwd);
        if (s.batch() % ranks != 0) {
            throw new NemotronException("--batch " + s.batch() + " does not split evenly over " + ranks
                    + " ranks: give a multiple of " + ranks);
        }
        if (s.backend() != null) {
            requireBackend(s.backend());
        }
        var args = spec.root().commandLine().getParseResult().originalArgs();
        new RankLauncher(RankLauncher.sameJvm(args), ranks, s.backend() != null).run(System.out, System.err);
    }

    /** Trains as the rank {@code rv} names; returns the result on rank 0, null on the others. */
    PretrainResult rank(ObjectNode node, Path cwd, String source, Rendezvous rv) {
        TrainingInputs inputs = new TrainingInputs(node, cwd);
        inputs.resolveInto(node);
        PretrainSpec s = PretrainSpec.parse(node, source, cwd);
        PrintWriter err = spec.commandLine().getErr();
        int failRank = testFailRank();
        try (ProcessGroup g = TcpProcessGroup.join(rv)) {
            TrainingProgress progress = g.leader() ? new TrainingProgress(s.steps(), err) : null;
            PretrainResult r = new PretrainJob(s).dataParallel(g).run(m -> {
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
