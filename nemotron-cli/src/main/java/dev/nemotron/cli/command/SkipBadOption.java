package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/** {@code --skip-bad} of the commands that read chat or pair JSONL (sft, dpo): field {@code skip_bad}. */
final class SkipBadOption {
    @Option(names = "--skip-bad", description = "Skip and count bad lines instead of stopping at the first.")
    Boolean skipBad;

    void overlay(ObjectNode n) {
        PretrainCommand.put(n, "skip_bad", skipBad);
    }
}
