package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/** {@code --chat-template} of the commands that render chat data for training (sft, dpo, grpo): field {@code chat_template}. */
final class ChatTemplateOption {
    @Option(names = "--chat-template", paramLabel = "auto|nemotron|jinja", description = "The init model's Jinja template (auto, when it has one) or the built-in Nemotron Nano 2 format.")
    String chatTemplate;

    void overlay(ObjectNode n) {
        PretrainCommand.put(n, "chat_template", chatTemplate);
    }
}
