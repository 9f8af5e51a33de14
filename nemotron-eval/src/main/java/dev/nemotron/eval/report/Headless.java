package dev.nemotron.eval.report;

/** Charts are drawn off-screen: AWT runs headless unless the JVM was told otherwise. */
final class Headless {
    private Headless() {
    }

    /** Sets {@code java.awt.headless=true} when unset; must run before AWT initialises. */
    static void ensure() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }
}
