package dev.nemotron.eval.code.sandbox;

/**
 * The shell script that prepares a run inside fresh namespaces, while it still is root there.
 *
 * <p>Arguments: the run's host directory {@code T}, the tmpfs size, {@code 1} to report mounts that
 * stay writable (the capability probe does), then the command. It remounts every mount read-only
 * (except {@code /proc}, which the pid namespace has just mounted afresh and which the nested user
 * namespace needs), mounts a size-limited tmpfs on {@code T/work}, copies the request's files from
 * {@code T/src} into it and runs the command there as a child (so that the program is not the pid
 * namespace's init, which would ignore default signals). Setup failures exit with
 * {@value #SETUP_FAILED} and a {@code nemotron-sandbox:} line on stderr.
 */
final class SetupScript {
    /** Exit code of a failed setup. */
    static final int SETUP_FAILED = 125;

    /** Prefix of the sandbox's own stderr lines. */
    static final String TAG = "nemotron-sandbox:";

    static final String TEXT = """
            T=$1; DISK=$2; REPORT=$3; shift 3
            while read -r _ _ _ _ mp _; do
              case $mp in /proc|/proc/*) continue;; esac
              mp=$(printf '%b' "$mp")
              if ! mount -o remount,bind,ro "$mp" 2>/dev/null; then
                [ "$REPORT" = 1 ] && echo "nemotron-sandbox: stays writable: $mp" >&2
              fi
            done < /proc/self/mountinfo
            mount -t tmpfs -o "size=$DISK,mode=0777" nemotron-sandbox "$T/work" \\
              || { echo "nemotron-sandbox: cannot mount a tmpfs on $T/work" >&2; exit 125; }
            cp -R "$T/src/." "$T/work/" || { echo "nemotron-sandbox: cannot copy the files" >&2; exit 125; }
            cd "$T/work" || exit 125
            "$@"
            """;

    private SetupScript() {
    }
}
