package dev.nemotron.cli.command;

import dev.nemotron.eval.model.CanonicalEvalModel;
import dev.nemotron.eval.model.EndpointConfig;
import dev.nemotron.eval.model.EngineEvalModel;
import dev.nemotron.eval.model.EvalModel;
import dev.nemotron.eval.model.OpenAiEvalModel;
import dev.nemotron.eval.model.RetryPolicy;
import dev.nemotron.infer.engine.EngineConfig;
import dev.nemotron.infer.server.ChatTemplateChoice;
import dev.nemotron.infer.server.ModelOptions;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The model under evaluation, shared by the {@code eval} commands: {@code --model DIR} (the
 * in-process engine), {@code --model canonical} (the self-check) or {@code --endpoint URL} (an
 * OpenAI-compatible server).
 */
final class EvalModelOptions {
    /** The {@code --model} value that selects the self-check model. */
    static final String CANONICAL = "canonical";

    @Option(names = "--model", paramLabel = "DIR|canonical",
            description = "A model directory run in-process, or 'canonical': answer with each task's reference (a self-check of the task).")
    String model;

    @Option(names = "--endpoint", paramLabel = "URL", description = "An OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1.")
    String endpoint;

    @Option(names = "--api-key", paramLabel = "KEY", description = "API key for --endpoint (default: $NEMOTRON_API_KEY, else $OPENAI_API_KEY).")
    String apiKey;

    @Option(names = "--served-model", paramLabel = "NAME", description = "The endpoint's model name (default: the first of /v1/models).")
    String servedModel;

    @Option(names = "--request-timeout", paramLabel = "SECONDS", description = "Longest time one endpoint request may take (default: ${DEFAULT-VALUE}).")
    int requestTimeout = 600;

    @Option(names = "--max-retries", paramLabel = "N", description = "Tries again on 429, 5xx and connection errors at most N times (default: ${DEFAULT-VALUE}).")
    int maxRetries = 5;

    @Option(names = "--backend", paramLabel = "NAME", description = "Backend for --model DIR (default: the best available).")
    String backend;

    @Mixin
    HostRunOptions host = new HostRunOptions();

    /** Checks the combination; throws a usage error naming the options. */
    void check(CommandSpec spec) {
        if ((model == null) == (endpoint == null)) {
            throw new ParameterException(spec.commandLine(), "give exactly one of --model DIR|canonical and --endpoint URL");
        }
        if (endpoint == null && (apiKey != null || servedModel != null)) {
            throw new ParameterException(spec.commandLine(), "--api-key and --served-model need --endpoint");
        }
        if (model != null && !model.equals(CANONICAL)) {
            ModelDirectoryOption.check(spec, "--model", model);
        }
        if (model == null && backend != null) {
            throw new ParameterException(spec.commandLine(), "--backend needs --model DIR");
        }
        if ((model == null || model.equals(CANONICAL)) && host.given()) {
            throw new ParameterException(spec.commandLine(), "--weights and --kv-cache need --model DIR");
        }
        if (requestTimeout < 1 || maxRetries < 0) {
            throw new ParameterException(spec.commandLine(), "--request-timeout must be >= 1 and --max-retries >= 0");
        }
    }

    /** Opens the model; {@code concurrency} sizes the engine's batch. */
    EvalModel open(int concurrency) {
        if (endpoint != null) {
            String key = apiKey != null ? apiKey : System.getenv("NEMOTRON_API_KEY") != null ? System.getenv("NEMOTRON_API_KEY")
                    : System.getenv("OPENAI_API_KEY");
            EndpointConfig c = EndpointConfig.of(endpoint).withApiKey(key).withServedModel(servedModel)
                    .withRequestTimeout(Duration.ofSeconds(requestTimeout))
                    .withRetry(new RetryPolicy(maxRetries + 1, Duration.ofSeconds(1), Duration.ofSeconds(30)));
            return new OpenAiEvalModel(c);
        }
        if (model.equals(CANONICAL)) {
            return new CanonicalEvalModel();
        }
        EngineConfig defaults = EngineConfig.defaults();
        return EngineEvalModel.load(Path.of(model), new ModelOptions(backend,
                new EngineConfig(Math.max(1, concurrency), Math.max(defaults.maxQueued(), concurrency), defaults.cacheBudgetBytes()),
                null, ChatTemplateChoice.AUTO, host.toRunOptions()));
    }
}
