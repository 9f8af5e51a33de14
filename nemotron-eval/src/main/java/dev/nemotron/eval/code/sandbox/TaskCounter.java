package dev.nemotron.eval.code.sandbox;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Counts the tasks (processes and threads) a uid runs, as {@code RLIMIT_NPROC} counts them. */
final class TaskCounter {
    private TaskCounter() {
    }

    /** Tasks of {@code uid} under {@code /proc}; 0 when {@code /proc} cannot be read. */
    static int tasksOfUid(int uid) {
        int count = 0;
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> isPid(p))) {
            for (Path proc : procs) {
                try {
                    if (((Integer) Files.getAttribute(proc, "unix:uid")) != uid) {
                        continue;
                    }
                    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
                        for (Path ignored : tasks) {
                            count++;
                        }
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return count;
    }

    private static boolean isPid(Path p) {
        String name = p.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }
}
