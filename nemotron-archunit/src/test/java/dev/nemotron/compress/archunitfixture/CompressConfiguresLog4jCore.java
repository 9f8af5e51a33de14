package dev.nemotron.compress.archunitfixture;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/** Violates onlyCliChoosesLoggingImplementation: a library module configures log4j-core. */
public final class CompressConfiguresLog4jCore {
    public void quiet() {
        Configurator.setRootLevel(Level.ERROR);
    }
}
