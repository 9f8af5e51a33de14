package dev.nemotron.bench.archunitfixture;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Violates onlyCliChoosesLoggingImplementation (log4j-core outside cli); printing is allowed here,
 * bench is not library code.
 */
public final class BenchConfiguresLog4jCore {
    public static void main(String[] args) {
        Configurator.setRootLevel(Level.ERROR);
        System.out.println("ok");
    }
}
