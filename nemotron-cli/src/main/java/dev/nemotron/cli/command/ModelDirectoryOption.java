package dev.nemotron.cli.command;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The one check of every option that names a model directory ({@code --model DIR},
 * {@code --init-model DIR}): a file there (a config.json, a .safetensors file) is a usage error
 * that says a directory is expected, instead of a parse error from reading it as a checkpoint.
 * A path that does not exist is left to the loader ("no such file"); a file that a model file
 * format plugin accepts (e.g. {@code model.gguf}) is a model.
 *
 * <p>As a picocli converter: {@code @Option(names = "--model", converter = ModelDirectoryOption.class)}.
 */
public final class ModelDirectoryOption implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
        Path dir = Path.of(value);
        String problem = problem(dir);
        if (problem != null) {
            throw new TypeConversionException(problem);
        }
        return dir;
    }

    /** Throws a usage error when {@code value} of {@code option} is not a model directory. */
    public static Path check(CommandSpec spec, String option, String value) {
        Path dir = Path.of(value);
        String problem = problem(dir);
        if (problem != null) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + problem);
        }
        return dir;
    }

    /** Why {@code dir} cannot be a model directory, or null when it may be one. */
    static String problem(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir) && dev.nemotron.arch.config.ModelDirectory.fileFormat(dir).isEmpty()) {
            Path parent = dir.toAbsolutePath().getParent();
            boolean parentIsModel = parent != null && Files.isRegularFile(parent.resolve("config.json"));
            return dir + " is a file, but a model directory is expected (one holding config.json and the *.safetensors"
                    + " weights)" + (parentIsModel ? "; did you mean " + (dir.getParent() != null ? dir.getParent() : ".") + "?" : "");
        }
        return null;
    }
}
