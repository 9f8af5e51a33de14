package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.align.dpo.DpoJob;
import dev.nemotron.align.dpo.DpoSpec;
import dev.nemotron.cli.output.Json;
import dev.nemotron.train.pretrain.PretrainResult;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nemotron dpo}: direct preference optimisation — {@code pretrain}'s flags and run
 * machinery (checkpoints, bit-identical resume, metrics, loss.png) on preference pairs
 * ({@code --data PAIRS.jsonl}: prompt or messages, chosen, rejected) against the init model,
 * frozen, as the reference. See docs/alignment.md.
 */
@Command(name = "dpo", mixinStandardHelpOptions = true,
        description = "Direct preference optimisation on pairs JSONL (prompt or messages, chosen, rejected; the init model, frozen, "
                + "is the reference): --init-model DIR --data PAIRS.jsonl --out DIR, with pretrain's flags (--batch: pairs per step; --ranks N / --gpus N: B/N pairs a rank).")
public final class DpoCommand extends PretrainCommand {
    @Option(names = "--beta", paramLabel = "X", description = "KL strength beta (default 0.1).")
    Double beta;

    @Option(names = "--loss", paramLabel = "sigmoid|ipo", description = "The DPO loss: sigmoid (default) or ipo.")
    String loss;

    @Option(names = "--label-smoothing", paramLabel = "EPS", description = "Assumed share of flipped labels, in [0, 0.5) (sigmoid; default 0).")
    Double labelSmoothing;

    @Mixin
    SkipBadOption skipBad = new SkipBadOption();

    @Mixin
    ChatTemplateOption chatTemplate = new ChatTemplateOption();

    @Override
    protected void overlayMore(ObjectNode n) {
        put(n, "beta", beta);
        put(n, "loss", loss);
        put(n, "label_smoothing", labelSmoothing);
        skipBad.overlay(n);
        chatTemplate.overlay(n);
    }

    /** The DPO spec; each rank (or the single run) reads the pairs and their reference log-probs itself (DpoJob). */
    @Override
    protected Prepared prepare(ObjectNode node, Path cwd, String source) {
        DpoSpec s = DpoSpec.parse(node, source, cwd);
        return new Prepared(s.training(), (group, onStep) -> {
            DpoJob.Result r = new DpoJob(s).dataParallel(group).run(onStep);
            if (group != null && !group.leader()) {
                return r.training();
            }
            if (r.data().badLines() > 0) {
                spec.commandLine().getErr().printf("skipped %d bad line(s) (--skip-bad)%n", r.data().badLines());
            }
            ObjectNode extra = Json.object();
            extra.put("pairs", r.data().pairs().size());
            extra.put("bad_lines_skipped", r.data().badLines());
            extra.put("too_long_skipped", r.data().tooLong());
            lastExtra = extra;
            return r.training();
        });
    }

    private ObjectNode lastExtra;

    @Override
    protected void report(PretrainResult r, ObjectNode extra) {
        super.report(r, lastExtra != null ? lastExtra : extra);
    }
}
