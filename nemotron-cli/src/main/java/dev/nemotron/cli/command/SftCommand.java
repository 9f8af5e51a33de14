package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.align.sft.SftJob;
import dev.nemotron.align.sft.SftSpec;
import dev.nemotron.cli.output.Json;
import dev.nemotron.train.pretrain.PretrainResult;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nemotron sft}: supervised fine-tuning — {@code pretrain}'s flags and run machinery
 * (checkpoints, bit-identical resume, metrics, held-out loss, loss.png) on chat JSONL
 * ({@code --data FILE.jsonl}: OpenAI-style {@code messages}), loss on the assistant turns only.
 * {@code --ranks N} / {@code --gpus N}: data-parallel ranks, each taking B/N whole (packed) rows of
 * every batch, every rank preparing the same rows (docs/distributed.md "SFT and DPO ranks").
 * See docs/alignment.md.
 */
@Command(name = "sft", mixinStandardHelpOptions = true,
        description = "Supervised fine-tuning on chat JSONL (OpenAI 'messages'; loss on assistant turns): --init-model DIR "
                + "--data FILE.jsonl --out DIR, with pretrain's flags (--ranks N / --gpus N: data-parallel, B/N whole rows a rank).")
public final class SftCommand extends PretrainCommand {
    @Option(names = "--no-think-fraction", paramLabel = "F", description = "Conversations rendered with reasoning off and an empty trace (default 0.1).")
    Double noThinkFraction;

    @Option(names = "--truncate-trace", paramLabel = "MIN:MAX", description = "Cut reasoning traces at N tokens (N uniform in MIN..MAX), closed with </think>, the answer kept.")
    String truncateTrace;

    @Option(names = "--truncate-fraction", paramLabel = "F", description = "Share of the reasoning samples cut by --truncate-trace (default 1).")
    Double truncateFraction;

    @Option(names = "--no-pack", description = "One sample per row (default: greedy packing into rows of --seq-len).")
    Boolean noPack;

    @Mixin
    SkipBadOption skipBad = new SkipBadOption();

    @Mixin
    ChatTemplateOption chatTemplate = new ChatTemplateOption();

    @Override
    protected void overlayMore(ObjectNode n) {
        put(n, "no_think_fraction", noThinkFraction);
        put(n, "truncate_trace", truncateTrace);
        put(n, "truncate_fraction", truncateFraction);
        if (noPack != null) {
            n.put("pack", !noPack);
        }
        skipBad.overlay(n);
        chatTemplate.overlay(n);
    }

    /** The SFT spec; each rank (or the single run) renders and packs the data itself, identically (SftJob). */
    @Override
    protected Prepared prepare(ObjectNode node, Path cwd, String source) {
        SftSpec s = SftSpec.parse(node, source, cwd);
        return new Prepared(s.training(), (group, onStep) -> {
            SftJob.Result r = new SftJob(s).dataParallel(group).run(onStep);
            if (group != null && !group.leader()) {
                return r.training();
            }
            if (r.data().badLines() > 0) {
                spec.commandLine().getErr().printf("skipped %d bad line(s) (--skip-bad)%n", r.data().badLines());
            }
            ObjectNode extra = Json.object();
            extra.put("samples", r.data().train().size());
            extra.put("rows", r.rows());
            extra.put("reasoning_off", r.data().reasoningOff());
            extra.put("truncated", r.data().truncated());
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
