package dev.nemotron.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Width and height of a PNG, read from its signature and IHDR chunk (the CLI module does not read
 * java.desktop, so its tests cannot use ImageIO; nemotron-train's LossChartTest decodes the
 * pixels).
 */
record PngSize(int width, int height) {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    static PngSize of(Path png) throws IOException {
        byte[] b = Files.readAllBytes(png);
        if (b.length < 24 || !Arrays.equals(Arrays.copyOf(b, 8), SIGNATURE) || b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
            throw new AssertionError(png + " is not a PNG");
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        return new PngSize(buf.getInt(16), buf.getInt(20));
    }
}
