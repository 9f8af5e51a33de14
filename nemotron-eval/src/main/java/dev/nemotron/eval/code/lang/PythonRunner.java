package dev.nemotron.eval.code.lang;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Availability;
import dev.nemotron.eval.code.sandbox.ExecutionRequest;
import dev.nemotron.eval.code.sandbox.ExecutionResult;
import dev.nemotron.eval.code.sandbox.ResourceLimits;
import dev.nemotron.eval.code.sandbox.Sandbox;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a Python 3 program: {@code python3 -I -B nemotron_harness.py}, where the harness runs
 * {@code program.py} as {@code __main__} ({@code runpy.run_path}) and then prints the marker.
 * The interpreter is chosen by {@link PythonLocator}.
 */
public final class PythonRunner implements LanguageRunner {
    /** The program's file name. */
    public static final String PROGRAM = "program.py";

    static final String HARNESS_FILE = "nemotron_harness.py";
    private static final String HARNESS = """
            import os, runpy, sys


            def _nemotron_main():
                with open("%s") as f:
                    marker = f.read().strip()
                os.remove("%s")
                runpy.run_path("%s", run_name="__main__")
                sys.stdout.flush()
                sys.stdout.write("\\n" + marker + "\\n")
                sys.stdout.flush()


            _nemotron_main()
            """.formatted(Markers.FILE, Markers.FILE, PROGRAM);

    private final Sandbox sandbox;
    private final ResourceLimits limits;
    private volatile PythonLocator.Choice choice;

    /** A runner with {@link #defaultLimits()}. */
    public PythonRunner(Sandbox sandbox) {
        this(sandbox, defaultLimits());
    }

    public PythonRunner(Sandbox sandbox, ResourceLimits limits) {
        this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** {@link ResourceLimits#defaults()}: 10 s wall and CPU, 1 GiB address space, 64 processes. */
    public static ResourceLimits defaultLimits() {
        return ResourceLimits.defaults();
    }

    @Override
    public CodeLanguage language() {
        return CodeLanguage.PYTHON;
    }

    @Override
    public ResourceLimits limits() {
        return limits;
    }

    @Override
    public Availability availability() {
        PythonLocator.Choice c = choice();
        return c.interpreter() == null ? Availability.unavailable(c.reason()) : Availability.available(c.reason());
    }

    /** The interpreter chosen for this sandbox, if any runs in it. */
    public Optional<String> interpreter() {
        return Optional.ofNullable(choice().interpreter());
    }

    @Override
    public ExecutionRequest request(String program) {
        PythonLocator.Choice c = choice();
        if (c.interpreter() == null) {
            throw new NemotronException("cannot run Python code: " + c.reason());
        }
        return requestWith(c.interpreter(), program, limits);
    }

    @Override
    public ExecutionResult run(String program) {
        return sandbox.run(request(program));
    }

    static ExecutionRequest requestWith(String interpreter, String program, ResourceLimits limits) {
        String marker = Markers.fresh();
        return ExecutionRequest.of(Map.of(PROGRAM, program, HARNESS_FILE, HARNESS, Markers.FILE, marker),
                List.of(interpreter, "-I", "-B", HARNESS_FILE), limits).withSuccessMarker(marker);
    }

    private PythonLocator.Choice choice() {
        PythonLocator.Choice c = choice;
        if (c == null) {
            synchronized (this) {
                if (choice == null) {
                    choice = PythonLocator.choose(sandbox);
                }
                c = choice;
            }
        }
        return c;
    }
}
