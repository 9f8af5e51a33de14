import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs one fuzz test method (e.g. {@code dev.nemotron.arch.config.ConfigFuzzTest#configJson}) with
 * the JUnit Platform, for machines with a Java runtime but no Maven (tools/fuzz-device/run.sh).
 * Exit code 0 when it passed, 1 otherwise; the failure (input saved, reason) is printed.
 */
public final class FuzzTestMain {
    private FuzzTestMain() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: FuzzTestMain CLASS#METHOD");
            System.exit(2);
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectMethod(args[0])).build();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, summary);
        TestExecutionSummary s = summary.getSummary();
        s.getFailures().forEach(f -> System.out.println("FAILED " + args[0] + ": " + f.getException()));
        System.out.println(args[0] + ": " + s.getTestsSucceededCount() + " passed, " + s.getTotalFailureCount() + " failed, "
                + s.getTestsFoundCount() + " found");
        System.exit(s.getTotalFailureCount() == 0 && s.getTestsSucceededCount() == 1 ? 0 : 1);
    }
}
