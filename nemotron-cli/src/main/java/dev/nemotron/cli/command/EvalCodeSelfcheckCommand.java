package dev.nemotron.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Availability;
import dev.nemotron.cli.output.Json;
import dev.nemotron.eval.code.humaneval.CheckResult;
import dev.nemotron.eval.code.humaneval.CodeBenchmark;
import dev.nemotron.eval.code.humaneval.CodeTaskChecker;
import dev.nemotron.eval.code.humaneval.HumanEvalSuite;
import dev.nemotron.eval.code.humaneval.SuiteReport;
import dev.nemotron.eval.code.sandbox.Protection;
import dev.nemotron.eval.code.sandbox.Sandbox;
import dev.nemotron.eval.code.sandbox.SandboxCapabilities;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nemotron eval code-selfcheck}: runs the canonical solutions of HumanEval and HumanEval-X
 * Java through the code sandbox; every one must pass. Prints what the sandbox enforces on this
 * machine first. Exit code 0 when all passed, 1 when some failed.
 */
@Command(name = "code-selfcheck", mixinStandardHelpOptions = true,
        description = "Check the code sandbox: run the canonical solutions of HumanEval (Python) and HumanEval-X Java"
                + " in it (all must pass) and report which protections are in force here.")
public final class EvalCodeSelfcheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--tasks", split = ",", defaultValue = "humaneval,humaneval-java",
            description = "Benchmarks, comma-separated: humaneval, humaneval-java (default: both).")
    List<String> tasks;

    @Option(names = "--limit", defaultValue = "0", description = "Only the first N problems of each benchmark (0 = all).")
    int limit;

    @Option(names = "--parallel", description = "Checks at a time (default: the number of cores, at most 4).")
    Integer parallel;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() {
        if (limit < 0) {
            throw new NemotronException("--limit must be 0 (all) or positive, got " + limit);
        }
        int p = parallel == null ? HumanEvalSuite.defaultParallelism() : parallel;
        if (p < 1) {
            throw new NemotronException("--parallel must be at least 1, got " + p);
        }
        Set<CodeBenchmark> benchmarks = new LinkedHashSet<>();
        tasks.forEach(t -> benchmarks.add(CodeBenchmark.parse(t)));
        Sandbox sandbox = Sandbox.create();
        SandboxCapabilities caps = sandbox.capabilities();
        PrintWriter out = spec.commandLine().getOut();
        if (!caps.available()) {
            throw new NemotronException("code sandbox unavailable: " + caps.reason());
        }
        if (!json) {
            out.print(caps.describe());
            out.flush();
        }
        CodeTaskChecker checker = new CodeTaskChecker(sandbox);
        List<SuiteReport> reports = new ArrayList<>();
        for (CodeBenchmark b : benchmarks) {
            Availability a = checker.availability(b.language());
            if (!json) {
                out.println(b.language().id() + ": " + a.reason());
                out.flush();
            }
            SuiteReport r = HumanEvalSuite.canonical(b, checker, limit, p, x -> { });
            reports.add(r);
            if (!json) {
                out.println(r.summary());
                for (CheckResult f : r.failures()) {
                    out.println("  FAILED " + f.taskId() + ": " + f.reason());
                }
                out.flush();
            }
        }
        if (json) {
            Json.print(out, toJson(caps, checker, reports));
        }
        return reports.stream().allMatch(r -> r.failures().isEmpty()) ? 0 : 1;
    }

    private static ObjectNode toJson(SandboxCapabilities caps, CodeTaskChecker checker, List<SuiteReport> reports) {
        ObjectNode o = Json.object();
        ObjectNode s = o.putObject("sandbox");
        s.put("mode", caps.mode().name());
        s.put("reason", caps.reason());
        ArrayNode prot = s.putArray("protections");
        for (Protection p : caps.protections()) {
            prot.addObject().put("name", p.name()).put("active", p.active()).put("detail", p.detail());
        }
        ArrayNode arr = o.putArray("benchmarks");
        for (SuiteReport r : reports) {
            ObjectNode b = arr.addObject();
            b.put("benchmark", r.benchmark());
            b.put("toolchain", checker.availability(CodeBenchmark.parse(r.benchmark()).language()).reason());
            b.put("total", r.total());
            b.put("passed", r.passed());
            b.put("seconds", r.elapsed().toMillis() / 1000.0);
            b.put("parallel", r.parallel());
            ArrayNode fails = b.putArray("failures");
            for (CheckResult f : r.failures()) {
                fails.addObject().put("task_id", f.taskId()).put("status", f.status().name()).put("reason", f.reason());
            }
        }
        return o;
    }
}
