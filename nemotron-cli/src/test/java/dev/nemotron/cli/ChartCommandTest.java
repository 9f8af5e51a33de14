package dev.nemotron.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nemotron chart}: one run, several runs, and bad input as one error line. */
class ChartCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path run(String name, int steps, int evalEvery) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        StringBuilder sb = new StringBuilder();
        for (int s = 1; s <= steps; s++) {
            sb.append(String.format(Locale.ROOT, "{\"step\":%d,\"loss\":%.3f,\"lr\":0.001}%n", s, 2 + 3.0 / s));
            if (evalEvery > 0 && s % evalEvery == 0) {
                sb.append(String.format(Locale.ROOT, "{\"step\":%d,\"eval_loss\":%.3f}%n", s, 2.2 + 3.0 / s));
            }
        }
        Files.writeString(dir.resolve("metrics.jsonl"), sb);
        return dir;
    }

    private static PngSize png(Path file) throws IOException {
        assertThat(file).isRegularFile();
        return PngSize.of(file);
    }

    @Test
    void chartsOneRunIntoItsDirectory() throws IOException {
        Path dir = run("tiny", 40, 10);
        CliRun r = CliRun.of("chart", "--run", dir.toString(), "--reference-line", "5.8:unigram entropy");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + dir.resolve("loss.png")).contains("tiny: 40 training steps, 4 held-out evaluations");
        PngSize img = png(dir.resolve("loss.png"));
        assertThat(img.width()).isEqualTo(1000);
        assertThat(img.height()).isEqualTo(600);
    }

    @Test
    void comparesRunsWithSizeAndJson() throws IOException {
        Path a = run("fp32", 30, 0);
        Path b = run("fp8", 25, 5);
        Path out = tmp.resolve("charts/cmp.png");
        CliRun r = CliRun.of("chart", "--run", a.toString(), "--compare", "fp8=" + b, "--out", out.toString(),
                "--width", "640", "--height", "360", "--reference-line", "5.8", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        assertThat(o.get("png").asText()).isEqualTo(out.toString());
        assertThat(o.get("runs")).hasSize(2);
        assertThat(o.get("runs").get(0).get("name").asText()).isEqualTo("fp32");
        assertThat(o.get("runs").get(0).get("last_eval_loss").isNull()).isTrue();
        assertThat(o.get("runs").get(1).get("eval_points").asInt()).isEqualTo(5);
        assertThat(o.get("runs").get(1).get("last_train_loss").asDouble()).isEqualTo(2.12);
        PngSize img = png(out);
        assertThat(img.width()).isEqualTo(640);
        assertThat(img.height()).isEqualTo(360);

        CliRun only = CliRun.of("chart", "--compare", "a=" + a, "--compare", "b=" + b, "--out", tmp.resolve("ab.png").toString());
        assertThat(only.exitCode()).as(only.err()).isZero();
        assertThat(png(tmp.resolve("ab.png")).width()).isEqualTo(1000);
    }

    private static void assertOneLineError(CliRun r, String... fragments) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(r.err()).hasSize(1);
        assertThat(lines.get(0)).startsWith("error: ").doesNotContain("Exception");
        for (String f : fragments) {
            assertThat(lines.get(0)).contains(f);
        }
    }

    @Test
    void badInput() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Path f = Files.writeString(dir.resolve("metrics.jsonl"), "{\"step\":1,\"loss\":3.0}\n{\"step\":2,\"loss\":}\n");
        assertOneLineError(CliRun.of("chart", "--run", dir.toString()), f + ":2: not valid JSON");
        assertOneLineError(CliRun.of("chart", "--run", tmp.resolve("missing").toString()), "missing: no such run directory");
        Path ok = run("ok", 5, 0);
        assertOneLineError(CliRun.of("chart", "--run", ok.toString(), "--reference-line", "abc:x"), "reference line 'abc:x'");
        assertOneLineError(CliRun.of("chart", "--run", ok.toString(), "--width", "5"), "chart size");
        CliRun none = CliRun.of("chart");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("give --run DIR");
        CliRun noOut = CliRun.of("chart", "--compare", "a=" + ok);
        assertThat(noOut.exitCode()).isEqualTo(2);
        assertThat(noOut.err()).contains("needs --out");
        CliRun noName = CliRun.of("chart", "--run", ok.toString(), "--compare", ok.toString());
        assertThat(noName.exitCode()).isEqualTo(2);
        assertThat(noName.err()).contains("NAME=DIR");
    }
}
