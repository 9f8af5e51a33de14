package dev.nemotron.eval.report;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Whether charts can be drawn: JFreeChart (and with it java.desktop) is an optional dependency
 * of this module ({@code requires static}), so a runtime without it, such as a trimmed server or
 * GPU image, still runs; charts are then skipped with one notice.
 */
final class ChartSupport {
    private static final Logger LOG = LogManager.getLogger(ChartSupport.class);
    private static final AtomicBoolean NOTICED = new AtomicBoolean();

    private ChartSupport() {
    }

    /** JFreeChart is present and readable by this module. */
    static boolean available() {
        try {
            Class<?> chart = Class.forName("org.jfree.chart.JFreeChart", false, ChartSupport.class.getClassLoader());
            return ChartSupport.class.getModule().canRead(chart.getModule());
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Logs, once per run, that {@code png} and later charts are not drawn. */
    static void skipped(Path png) {
        if (NOTICED.compareAndSet(false, true)) {
            LOG.warn("not drawing {} (and later charts): JFreeChart (org.jfree.jfreechart) is not on the module path", png);
        }
    }
}
