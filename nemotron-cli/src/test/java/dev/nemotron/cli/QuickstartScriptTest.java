package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/quickstart.sh keeps its output directory, so a rerun lets the pipeline skip the
 * finished stages (as the script says) instead of starting over. Runs the script with a stand-in
 * launcher (NEMOTRON) that records its arguments and fails the pipeline step.
 */
class QuickstartScriptTest {
    @Test
    void aRerunKeepsTheFinishedStages(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("quickstart");
        Path finished = Files.createDirectories(out.resolve("04-pretrain")).resolve("stage.json");
        Files.writeString(finished, "{}");
        Path calls = tmp.resolve("calls.txt");
        Path fake = tmp.resolve("fake-nemotron");
        Files.writeString(fake, "#!/usr/bin/env bash\necho \"$*\" >> '" + calls + "'\n[ \"$1\" = pipeline ] && exit 3\nexit 0\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));

        ProcessBuilder pb = new ProcessBuilder("bash", CliRun.repoRoot().resolve("examples/quickstart.sh").toString(), out.toString())
                .redirectErrorStream(true);
        pb.environment().put("NEMOTRON", fake.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isEqualTo(3);
        assertThat(finished).as("the finished stage of the last run").exists();
        assertThat(Files.readString(calls)).contains("pipeline run examples/pipelines/quickstart.yaml --out " + out);
    }
}
