package dev.nemotron.train.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PointChartTest {
    @TempDir
    Path tmp;

    @Test
    void drawsEachSeriesInItsOwnColourAtTheRequestedSize() throws Exception {
        Map<String, List<LossPoint>> series = new LinkedHashMap<>();
        List<LossPoint> a = new ArrayList<>();
        List<LossPoint> b = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            a.add(new LossPoint(i, Math.exp(-i / 3.0)));
            b.add(new LossPoint(i, 0.1 * i));
        }
        series.put("first", a);
        series.put("second", b);
        Path png = tmp.resolve("sub/points.png");
        PointChart.render(series, png, ChartOptions.defaults().withSize(640, 400).withTitle("scores"), "layer", "MSE");
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(640);
        assertThat(img.getHeight()).isEqualTo(400);
        // the palette's first two colours (darkened for markers) are both present
        assertThat(count(img, new java.awt.Color(0x1f77b4).darker().getRGB() & 0xffffff)).isGreaterThan(50);
        assertThat(count(img, new java.awt.Color(0xff7f0e).darker().getRGB() & 0xffffff)).isGreaterThan(50);
    }

    private static long count(BufferedImage img, int rgb) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                int d = Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff)) + Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff))
                        + Math.abs((p & 0xff) - (rgb & 0xff));
                if (d < 30) {
                    n++;
                }
            }
        }
        return n;
    }
}
