package dev.nemotron.api.archunitfixture;

import org.apache.logging.log4j.Logger;

/** Violates apiDependsOnJdkOnly: the API depends on a third-party library. */
public final class ApiLeaksLog4j {
    public Logger logger;
}
