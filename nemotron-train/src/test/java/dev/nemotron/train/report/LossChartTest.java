package dev.nemotron.train.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loss PNG: it exists, decodes at the requested size, and bad metrics lines name file and line. */
class LossChartTest {
    @TempDir
    Path tmp;

    /** A run directory whose metrics.jsonl holds {@code steps} noisy, falling losses and an eval every 25 steps. */
    static Path run(Path dir, int steps, double floor, long seed) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        for (int s = 1; s <= steps; s++) {
            double loss = floor + 4 * Math.exp(-s / 40.0) + 0.3 * (r.nextDouble() - 0.5);
            sb.append(String.format(Locale.ROOT, "{\"step\":%d,\"loss\":%.4f,\"lr\":0.001,\"grad_norm\":1.0,\"tokens\":512,\"tokens_per_s\":900.0}%n", s, loss));
            if (s % 25 == 0) {
                sb.append(String.format(Locale.ROOT, "{\"step\":%d,\"eval_loss\":%.4f}%n", s, floor + 0.1 + 4 * Math.exp(-s / 40.0)));
            }
        }
        Files.writeString(dir.resolve("metrics.jsonl"), sb);
        return dir;
    }

    private static BufferedImage decode(Path png) throws IOException {
        assertThat(png).isRegularFile();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("decodes as an image").isNotNull();
        return img;
    }

    private static long pixelsNear(BufferedImage img, int rgb) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                int dr = Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff));
                int dg = Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff));
                int db = Math.abs((p & 0xff) - (rgb & 0xff));
                if (dr + dg + db < 40) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void rendersRunIntoLossPngOfDefaultSize() throws IOException {
        Path dir = run(tmp.resolve("run"), 200, 2.0, 1);
        Path png = LossChart.render(dir);
        assertThat(png).isEqualTo(dir.resolve("loss.png"));
        BufferedImage img = decode(png);
        assertThat(img.getWidth()).isEqualTo(ChartOptions.DEFAULT_WIDTH);
        assertThat(img.getHeight()).isEqualTo(ChartOptions.DEFAULT_HEIGHT);
        assertThat(pixelsNear(img, 0x1f77b4)).as("the smoothed training line is drawn").isGreaterThan(300);
        assertThat(pixelsNear(img, 0xd62728)).as("the held-out points are drawn").isGreaterThan(50);
        assertThat(System.getProperty("java.awt.headless")).isEqualTo("true");
        assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void requestedSizeAndReferenceLine() throws IOException {
        Path dir = run(tmp.resolve("run"), 60, 3.0, 2);
        Path png = tmp.resolve("out/sub/chart.png");
        ChartOptions o = ChartOptions.defaults().withSize(640, 400).withTitle("tiny")
                .withReference(ReferenceLine.parse("5.8:unigram entropy"));
        RunMetrics m = LossChart.render(dir, png, o);
        assertThat(m.train()).hasSize(60);
        assertThat(m.eval()).hasSize(2);
        BufferedImage img = decode(png);
        assertThat(img.getWidth()).isEqualTo(640);
        assertThat(img.getHeight()).isEqualTo(400);
    }

    @Test
    void comparesRuns() throws IOException {
        Map<String, Path> runs = new LinkedHashMap<>();
        runs.put("fp32", run(tmp.resolve("a"), 120, 2.0, 3));
        runs.put("fp8", run(tmp.resolve("b"), 100, 2.1, 4));
        Path png = tmp.resolve("cmp.png");
        Map<String, RunMetrics> read = LossChart.compare(runs, png, ChartOptions.defaults().withSize(800, 500)
                .withReference(new ReferenceLine(5.8, "unigram entropy")));
        assertThat(read.keySet()).containsExactly("fp32", "fp8");
        assertThat(read.get("fp8").train()).hasSize(100);
        BufferedImage img = decode(png);
        assertThat(img.getWidth()).isEqualTo(800);
        assertThat(img.getHeight()).isEqualTo(500);
        assertThat(pixelsNear(img, 0x1f77b4)).as("first run's colour").isGreaterThan(200);
        assertThat(pixelsNear(img, 0xff7f0e)).as("second run's colour").isGreaterThan(200);
        assertThatThrownBy(() -> LossChart.compare(Map.of(), png)).isInstanceOf(NemotronException.class);
    }

    @Test
    void emptyRunStillDraws() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(dir.resolve("metrics.jsonl"), "");
        assertThat(decode(LossChart.render(dir)).getWidth()).isEqualTo(1000);
    }

    @Test
    void malformedLineNamesFileAndLine() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Path f = Files.writeString(dir.resolve("metrics.jsonl"), "{\"step\":1,\"loss\":3.2}\n\n{\"step\":2,\"loss\":3.1\n{\"step\":3,\"loss\":3.0}\n");
        assertThatThrownBy(() -> LossChart.render(dir)).isInstanceOf(NemotronException.class)
                .hasMessageStartingWith(f + ":3: not valid JSON");
        assertThat(dir.resolve("loss.png")).doesNotExist();

        Files.writeString(f, "{\"step\":1,\"loss\":3.2}\n{\"step\":2,\"loss\":\"high\"}\n");
        assertThatThrownBy(() -> RunMetrics.read(dir)).hasMessage(f + ":2: 'loss' must be a number, got \"high\"");
        Files.writeString(f, "{\"step\":1.5,\"eval_loss\":3.2}\n");
        assertThatThrownBy(() -> RunMetrics.read(f)).hasMessageStartingWith(f + ":1: 'step' must be an integer");
        Files.writeString(f, "[1, 2]\n");
        assertThatThrownBy(() -> RunMetrics.read(f)).hasMessage(f + ":1: not a JSON object");
        assertThatThrownBy(() -> RunMetrics.read(tmp.resolve("nothing"))).hasMessage(tmp.resolve("nothing") + ": no such run directory or metrics file");
        Path noMetrics = Files.createDirectories(tmp.resolve("no-metrics"));
        assertThatThrownBy(() -> RunMetrics.read(noMetrics)).hasMessageStartingWith(noMetrics.resolve("metrics.jsonl") + ": no such file");
    }

    @Test
    void readsMixedRecordsLastOfAStepWinsAndToleratesAnUnfinishedLastLine() throws IOException {
        Path f = Files.writeString(tmp.resolve("m.jsonl"), String.join("\n",
                "{\"step\":1,\"loss\":5.0}",
                "{\"step\":2,\"loss\":\"NaN\"}",
                "{\"event\":\"checkpoint\",\"step\":2}",
                "{\"step\":2,\"eval_loss\":4.5}",
                "{\"step\":3,\"loss\":4.0}",
                "{\"step\":2,\"loss\":4.4}",
                "{\"step\":4,\"loss\":3.9,\"eval_loss\":4.1}",
                "{\"step\":5,\"lo"));
        RunMetrics m = RunMetrics.read(f);
        assertThat(m.train()).containsExactly(new LossPoint(1, 5.0), new LossPoint(2, 4.4), new LossPoint(3, 4.0), new LossPoint(4, 3.9));
        assertThat(m.eval()).containsExactly(new LossPoint(2, 4.5), new LossPoint(4, 4.1));
        assertThat(m.lastStep()).isEqualTo(4);
    }

    @Test
    void referenceLineParsing() {
        assertThat(ReferenceLine.parse("5.8:unigram entropy")).isEqualTo(new ReferenceLine(5.8, "unigram entropy"));
        assertThat(ReferenceLine.parse("2.5")).isEqualTo(new ReferenceLine(2.5, ""));
        assertThat(ReferenceLine.parse("1e0: a:b")).isEqualTo(new ReferenceLine(1.0, "a:b"));
        assertThatThrownBy(() -> ReferenceLine.parse("high:x")).isInstanceOf(NemotronException.class).hasMessageContaining("VALUE[:LABEL]");
        assertThatThrownBy(() -> ReferenceLine.parse("NaN")).isInstanceOf(NemotronException.class);
        assertThatThrownBy(() -> ChartOptions.defaults().withSize(10, 10)).isInstanceOf(NemotronException.class);
    }
}
