package dev.nemotron.backend.cuda.gpu;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the tests tagged {@code gpu} of this plugin (for the device bundle's run-gpu-tests.sh,
 * which has no Maven), or only the classes named as arguments (e.g. {@code TrainingGradientTest}):
 * one line per test, the summary, exit code 0 when all passed, 1 on a
 * failure, 2 when every test was skipped (no usable GPU: the skip reason says why).
 */
public final class GpuTestMain {
    private GpuTestMain() {
    }

    public static void main(String[] args) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(args.length == 0 ? List.of(selectPackage("dev.nemotron.backend.cuda"))
                        : Arrays.stream(args).map(c -> selectClass(c.contains(".") ? c : "dev.nemotron.backend.cuda.gpu." + c)).toList())
                .filters(TagFilter.includeTags("gpu"))
                .build();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        TestExecutionListener lines = new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                System.out.println("SKIPPED " + id.getDisplayName() + ": " + reason);
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest()) {
                    System.out.println(result.getStatus() + " " + id.getLegacyReportingName()
                            + result.getThrowable().map(t -> "\n    " + t).orElse(""));
                }
            }
        };
        LauncherFactory.create().execute(request, summary, lines);
        TestExecutionSummary s = summary.getSummary();
        s.printTo(new PrintWriter(System.out, true));
        s.printFailuresTo(new PrintWriter(System.out, true), 30);
        if (s.getTotalFailureCount() > 0) {
            System.exit(1);
        }
        System.exit(s.getTestsSucceededCount() == 0 ? 2 : 0);
    }
}
