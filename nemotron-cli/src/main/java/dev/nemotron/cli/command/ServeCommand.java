package dev.nemotron.cli.command;

import dev.nemotron.infer.engine.EngineConfig;
import dev.nemotron.infer.server.ChatTemplateChoice;
import dev.nemotron.infer.server.ModelOptions;
import dev.nemotron.infer.server.OpenAiServer;
import dev.nemotron.infer.server.ServedModel;
import dev.nemotron.infer.server.ServerConfig;
import dev.nemotron.infer.server.http.HttpLimits;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron serve}: an OpenAI-compatible HTTP server for one model directory, until SIGINT
 * or SIGTERM (a shutdown hook closes the server, then the engine and the model).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over the OpenAI HTTP API (/v1/chat/completions, /v1/completions, /v1/models, /health). "
                + "Runs until interrupted; logs the URL on stderr. See docs/server.md.")
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", converter = ModelDirectoryOption.class, required = true, paramLabel = "DIR",
            description = "Model directory: config.json + safetensors (+ tokenizer.json, tokenizer_config.json, generation_config.json).")
    Path model;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", defaultValue = "8000", paramLabel = "PORT",
            description = "Port to bind; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:NEMOTRON_API_KEY}",
            description = "Require 'Authorization: Bearer KEY' on /v1/* (default: $NEMOTRON_API_KEY; none when unset).")
    String apiKey;

    @Option(names = "--max-batch", defaultValue = "16", paramLabel = "B", description = "Sequences decoded together at most (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-queued", defaultValue = "256", paramLabel = "Q",
            description = "Requests waiting for the engine at most; beyond, 429 (default: ${DEFAULT-VALUE}).")
    int maxQueued;

    @Option(names = "--max-in-flight", defaultValue = "256", paramLabel = "R",
            description = "Generation HTTP requests handled at once; beyond, 429 (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--max-body-bytes", defaultValue = "1048576", paramLabel = "BYTES",
            description = "Largest request body; beyond, 413 (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Option(names = "--max-connections", defaultValue = "1024", paramLabel = "C",
            description = "Open HTTP connections at most; beyond, the one idle longest is closed, or 503 when all are busy "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--header-timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = "Time a client has to send a request's headers (default: ${DEFAULT-VALUE}).")
    double headerTimeout;

    @Option(names = "--idle-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "Time a kept-alive connection may wait for its next request, or a body for its next bytes "
                    + "(default: ${DEFAULT-VALUE}).")
    double idleTimeout;

    @Option(names = "--write-timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = "Time one write may stay blocked on a client that does not read; the connection is then closed "
                    + "and its generation cancelled (default: ${DEFAULT-VALUE}).")
    double writeTimeout;

    @Option(names = "--cache-budget-mib", paramLabel = "M",
            description = "Memory for KV caches and SSM state of all running sequences, in MiB (default: a quarter of the JVM heap).")
    Long cacheBudgetMib;

    @Option(names = "--kv-cache-tokens", paramLabel = "N",
            description = "Backends that run whole models (cuda): tokens of paged KV cache for all running sequences together; "
                    + "requests are admitted while their prompt + max_tokens fit it (default: every batch slot at the model's "
                    + "context length).")
    Long kvCacheTokens;

    @Option(names = "--served-model-name", paramLabel = "NAME", description = "The model id clients use (default: the directory name).")
    String servedModelName;

    @Option(names = "--backend", paramLabel = "NAME", description = "Backend to use (default: the best available; see 'nemotron backends').")
    String backendName;

    @Option(names = "--chat-template", defaultValue = "auto", paramLabel = "auto|nemotron|jinja",
            description = "auto: tokenizer_config.json's chat_template if any, else the built-in Nemotron Nano 2 template; "
                    + "nemotron: always the built-in one; jinja: tokenizer_config.json's (default: ${DEFAULT-VALUE}).")
    String chatTemplate;

    @Mixin
    HostRunOptions hostRun = new HostRunOptions();

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig serverConfig = serverConfig();
        EngineConfig engineConfig = engineConfig();
        if (kvCacheTokens != null && kvCacheTokens < 1) {
            throw new ParameterException(spec.commandLine(), "--kv-cache-tokens must be >= 1, got " + kvCacheTokens);
        }
        ServedModel served = ServedModel.load(model, new ModelOptions(backendName, engineConfig, servedModelName,
                ChatTemplateChoice.parse(chatTemplate), hostRun.toRunOptions(), kvCacheTokens == null ? 0 : kvCacheTokens));
        OpenAiServer server;
        try {
            server = OpenAiServer.start(served, serverConfig);
        } catch (RuntimeException e) {
            served.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            served.close();
            stopped.countDown();
        }, "nemotron-serve-shutdown"));
        PrintWriter err = spec.commandLine().getErr();
        String types = served.hostTypes();
        err.println("nemotron serve: model '" + served.id() + "'" + (types.isEmpty() ? "" : " (" + types.substring(2) + ")")
                + " listening on " + server.baseUri()
                + " (OpenAI base URL " + server.baseUri() + "/v1" + (serverConfig.apiKey() != null ? ", API key required" : "")
                + "); Ctrl-C to stop");
        err.flush();
        stopped.await();
        return 0;
    }

    private ServerConfig serverConfig() {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be in [0, 65535], got " + port);
        }
        if (maxInFlight < 1) {
            throw new ParameterException(spec.commandLine(), "--max-in-flight must be >= 1, got " + maxInFlight);
        }
        if (maxBodyBytes < 1) {
            throw new ParameterException(spec.commandLine(), "--max-body-bytes must be >= 1, got " + maxBodyBytes);
        }
        if (maxConnections < 1) {
            throw new ParameterException(spec.commandLine(), "--max-connections must be >= 1, got " + maxConnections);
        }
        return new ServerConfig(host, port, apiKey, maxBodyBytes, maxInFlight, new HttpLimits(maxConnections,
                seconds("--header-timeout", headerTimeout), seconds("--idle-timeout", idleTimeout),
                seconds("--write-timeout", writeTimeout)));
    }

    private Duration seconds(String option, double value) {
        if (!(value >= 0.001 && value <= 86_400)) {
            throw new ParameterException(spec.commandLine(), option + " must be in [0.001, 86400] seconds, got " + value);
        }
        return Duration.ofNanos((long) (value * 1e9));
    }

    private EngineConfig engineConfig() {
        if (maxBatch < 1) {
            throw new ParameterException(spec.commandLine(), "--max-batch must be >= 1, got " + maxBatch);
        }
        if (maxQueued < 0) {
            throw new ParameterException(spec.commandLine(), "--max-queued must be >= 0, got " + maxQueued);
        }
        if (cacheBudgetMib != null && cacheBudgetMib < 1) {
            throw new ParameterException(spec.commandLine(), "--cache-budget-mib must be >= 1, got " + cacheBudgetMib);
        }
        long budget = cacheBudgetMib != null ? cacheBudgetMib << 20 : EngineConfig.defaults().cacheBudgetBytes();
        return new EngineConfig(maxBatch, maxQueued, budget);
    }
}
