package dev.nemotron.eval.code.sandbox;

/** Why the sandbox itself killed a run (the first reason wins). */
enum KillReason {
    STDOUT_LIMIT,
    STDERR_LIMIT,
    RUN_MEMORY,
    WALL_CLOCK
}
