package dev.nemotron.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns a usage error (a missing or invalid option, an unknown argument, a command's own
 * {@link ParameterException}) into one line on stderr, {@code error: PROBLEM; see 'nemotron CMD --help'},
 * and exit code 2, in place of picocli's message plus full usage text.
 */
final class UsageErrorReporter implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String problem = String.valueOf(ex.getMessage()).strip().replaceAll("\\s*\\R\\s*", " ");
        if (ex instanceof UnmatchedArgumentException u) {
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                problem += " (did you mean " + String.join(" or ", suggestions.stream().limit(3).map(s -> "'" + s + "'").toList()) + "?)";
            }
        }
        cmd.getErr().println("error: " + problem + "; see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
        cmd.getErr().flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
}
