package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;

/**
 * {@code nemotron cpt}: long-context continued pretraining — {@code pretrain} from an existing
 * model ({@code --init-model}) with a small constant learning rate; give a {@code --seq-len} well
 * above the pretraining one (the paper: 8k → 512k in stages; the quickstart: 8×).
 */
@Command(name = "cpt", mixinStandardHelpOptions = true,
        description = "Continued pretraining (e.g. long context): pretrain from --init-model with a small constant LR (default 1e-5).")
public final class CptCommand extends PretrainCommand {
    @Override
    protected void defaults(ObjectNode node) {
        node.put("schedule", "constant");
        node.put("lr", 1e-5);
        node.put("warmup", 0);
    }
}
