package dev.nemotron.cli.command;

import dev.nemotron.api.NemotronException;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.text.chat.RenderOptions;
import dev.nemotron.text.chat.RenderedPrompt;
import dev.nemotron.infer.engine.EngineConfig;
import dev.nemotron.infer.server.ChatTemplateChoice;
import dev.nemotron.infer.server.ModelOptions;
import dev.nemotron.infer.server.ServedModel;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;

/** A model directory loaded for the generate and chat commands (engine, tokenizer, chat template). */
final class ModelSession implements AutoCloseable {
    final ServedModel model;

    ModelSession(Path dir, String backend, HostRunOptions host) {
        this.model = ServedModel.load(dir, new ModelOptions(backend, EngineConfig.defaults(), null, ChatTemplateChoice.AUTO,
                host.toRunOptions()));
    }

    Tokenizer tokenizer(String why) {
        Tokenizer t = model.tokenizer();
        if (t == null) {
            throw new NemotronException("the model directory has no tokenizer.json, which " + why + " needs");
        }
        return t;
    }

    /** The chat template applied to {@code messages}, with a generation prompt. */
    RenderedPrompt render(List<ChatMessage> messages) {
        if (model.chatTemplate() == null) {
            throw new NemotronException("the model has no chat template (no tokenizer.json / tokenizer_config.json)");
        }
        return model.chatTemplate().render(messages, RenderOptions.defaults().withGenerationPrompt(true));
    }

    @Override
    public void close() {
        model.close();
    }
}
