package dev.nemotron.eval.code.sandbox;

/**
 * One protection of the sandbox and whether it is in force on this machine.
 *
 * @param name   what is protected ({@code "no network"}, {@code "read-only filesystem"}, ...)
 * @param active whether it is in force
 * @param detail how it is done, or why it is not
 */
public record Protection(String name, boolean active, String detail) {
    @Override
    public String toString() {
        return (active ? "[on]  " : "[off] ") + name + ": " + detail;
    }
}
