package dev.nemotron.eval.code.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads one output stream of a sandboxed process on its own thread, keeping at most {@code limit}
 * bytes. The first byte past the limit calls {@code onOverflow} (which kills the run); the rest is
 * read and dropped so that the writer never blocks on a full pipe.
 */
final class BoundedCapture {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final Thread thread;
    private volatile boolean overflowed;

    private BoundedCapture(InputStream in, int limit, Runnable onOverflow, String name) {
        this.thread = Thread.ofPlatform().daemon().name(name).start(() -> pump(in, limit, onOverflow));
    }

    /** Starts reading {@code in} at once. */
    static BoundedCapture start(InputStream in, int limit, Runnable onOverflow, String name) {
        return new BoundedCapture(in, limit, onOverflow, name);
    }

    private void pump(InputStream in, int limit, Runnable onOverflow) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                int room;
                synchronized (kept) {
                    room = limit - kept.size();
                    kept.write(buf, 0, Math.max(0, Math.min(room, n)));
                }
                if (n > room && !overflowed) {
                    overflowed = true;
                    onOverflow.run();
                }
            }
        } catch (IOException e) {
            // the stream closed under us: the process was killed
        }
    }

    /** Waits up to {@code millis} for the stream to end (all writers gone). */
    void await(long millis) throws InterruptedException {
        thread.join(millis);
    }

    boolean overflowed() {
        return overflowed;
    }

    /** What was kept, as UTF-8 (malformed bytes replaced). */
    String text() {
        synchronized (kept) {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }
}
