package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nemotron chart} on the real module path with the flags of ./nemotron: JFreeChart is an
 * automatic module ({@code org.jfree.jfreechart}) and needs {@code java.desktop} resolved and
 * AWT headless, which surefire's in-process run could not show.
 */
class ChartLauncherIT {
    @Test
    void chartRunsOnTheModulePath(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("metrics.jsonl"), "{\"step\":1,\"loss\":4.0}\n{\"step\":2,\"loss\":3.5}\n{\"step\":2,\"eval_loss\":3.7}\n");
        ModulePathLauncher.Result r = ModulePathLauncher.run("chart", "--run", tmp.toString(), "--width", "400", "--height", "300");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("Exception");
        assertThat(PngSize.of(tmp.resolve("loss.png"))).isEqualTo(new PngSize(400, 300));
    }
}
