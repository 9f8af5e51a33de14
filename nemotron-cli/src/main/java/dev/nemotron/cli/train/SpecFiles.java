package dev.nemotron.cli.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a JSON ({@code .json}) or YAML ({@code .yaml}, {@code .yml}) spec file into an object node. */
public final class SpecFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new YAMLMapper();

    private SpecFiles() {
    }

    public static ObjectNode read(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : JSON;
        JsonNode node;
        try {
            node = mapper.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new NemotronException(file + ": no such file");
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new NemotronException(file + ": not valid " + (mapper == YAML ? "YAML" : "JSON") + ": " + msg);
        }
        if (node == null || !node.isObject()) {
            throw new NemotronException(file + ": expected an object at the top level");
        }
        return (ObjectNode) node;
    }
}
