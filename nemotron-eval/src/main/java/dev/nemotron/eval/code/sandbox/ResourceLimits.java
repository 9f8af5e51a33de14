package dev.nemotron.eval.code.sandbox;

import dev.nemotron.api.NemotronException;
import java.time.Duration;

/**
 * The limits of one sandboxed run.
 *
 * @param wallTime      wall-clock limit; the whole process tree is killed when it passes
 * @param cpuSeconds    CPU-time limit per process ({@code RLIMIT_CPU}); SIGXCPU at the limit
 * @param memoryBytes   address-space limit per process ({@code RLIMIT_AS}); javac and java with a
 *                      256 MiB heap need about 768 MiB of address space, so keep 1 GiB for Java
 * @param processes     processes and threads ({@code RLIMIT_NPROC}), counted per sandbox where a user
 *                      namespace or a private uid makes that possible (see {@link SandboxCapabilities})
 * @param outputBytes   bytes kept per stream (stdout, stderr); one more byte kills the run
 * @param fileBytes     largest file the program may write ({@code RLIMIT_FSIZE})
 * @param workdirBytes  size of the private working directory (a tmpfs) where namespaces are available
 * @param openFiles     open file descriptors ({@code RLIMIT_NOFILE})
 * @param runMemoryBytes resident memory of all the run's processes together, watched by the host
 *                      ({@link MemoryWatchdog}); the per-process limit alone would allow
 *                      {@code processes * memoryBytes}
 */
public record ResourceLimits(Duration wallTime, long cpuSeconds, long memoryBytes, int processes,
        int outputBytes, long fileBytes, long workdirBytes, int openFiles, long runMemoryBytes) {
    /** One mebibyte. */
    public static final long MIB = 1024L * 1024L;

    public ResourceLimits {
        if (wallTime == null || wallTime.isNegative() || wallTime.isZero()) {
            throw new NemotronException("sandbox wall-clock limit must be positive, got " + wallTime);
        }
        positive("CPU-time limit (seconds)", cpuSeconds);
        positive("memory limit (bytes)", memoryBytes);
        positive("process limit", processes);
        positive("output limit (bytes)", outputBytes);
        positive("file size limit (bytes)", fileBytes);
        positive("working directory size (bytes)", workdirBytes);
        positive("open files limit", openFiles);
        positive("whole-run memory limit (bytes)", runMemoryBytes);
    }

    /**
     * 10 s wall, 10 s CPU, 1 GiB address space per process, 64 processes, 1 MiB output, 16 MiB files,
     * 64 MiB workdir, 256 open files, 2 GiB resident memory for the whole run.
     */
    public static ResourceLimits defaults() {
        return new ResourceLimits(Duration.ofSeconds(10), 10, 1024 * MIB, 64, (int) MIB, 16 * MIB, 64 * MIB, 256, 2048 * MIB);
    }

    public ResourceLimits withWallTime(Duration value) {
        return new ResourceLimits(value, cpuSeconds, memoryBytes, processes, outputBytes, fileBytes, workdirBytes, openFiles, runMemoryBytes);
    }

    public ResourceLimits withCpuSeconds(long value) {
        return new ResourceLimits(wallTime, value, memoryBytes, processes, outputBytes, fileBytes, workdirBytes, openFiles, runMemoryBytes);
    }

    public ResourceLimits withMemoryBytes(long value) {
        return new ResourceLimits(wallTime, cpuSeconds, value, processes, outputBytes, fileBytes, workdirBytes, openFiles, runMemoryBytes);
    }

    public ResourceLimits withProcesses(int value) {
        return new ResourceLimits(wallTime, cpuSeconds, memoryBytes, value, outputBytes, fileBytes, workdirBytes, openFiles, runMemoryBytes);
    }

    public ResourceLimits withOutputBytes(int value) {
        return new ResourceLimits(wallTime, cpuSeconds, memoryBytes, processes, value, fileBytes, workdirBytes, openFiles, runMemoryBytes);
    }

    public ResourceLimits withFileBytes(long value) {
        return new ResourceLimits(wallTime, cpuSeconds, memoryBytes, processes, outputBytes, value, workdirBytes, openFiles, runMemoryBytes);
    }

    public ResourceLimits withRunMemoryBytes(long value) {
        return new ResourceLimits(wallTime, cpuSeconds, memoryBytes, processes, outputBytes, fileBytes, workdirBytes, openFiles, value);
    }

    private static void positive(String what, long value) {
        if (value <= 0) {
            throw new NemotronException("sandbox " + what + " must be positive, got " + value);
        }
    }
}
