package dev.nemotron.text.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.text.tokenizer.decoder.Decoders;
import dev.nemotron.text.tokenizer.json.JsonAt;
import dev.nemotron.text.tokenizer.model.Models;
import dev.nemotron.text.tokenizer.normalizer.Normalizer;
import dev.nemotron.text.tokenizer.normalizer.Normalizers;
import dev.nemotron.text.tokenizer.pretokenizer.PreTokenizers;
import dev.nemotron.text.tokenizer.processor.PostProcessors;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nemotron.text.tokenizer.decoder.Decoders;
import dev.nemotron.text.tokenizer.json.JsonAt;
import dev.nemotron.text.tokenizer.model.Models;
import dev.nemotron.text.tokenizer.normalizer.Normalizer;
import dev.nemotron.text.tokenizer.normalizer.Normalizers;
import dev.nemotron.text.tokenizer.pretokenizer.PreTokenizers;
import dev.nemotron.text.tokenizer.processor.PostProcessors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a {@code tokenizer.json} into a {@link Tokenizer}, component by component. */
final class TokenizerLoader {
    private static final ObjectMapper JSON = JsonMappers.json();

    private TokenizerLoader() {
    }

    static Tokenizer load(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new TokenizerException(file + ": not a regular file");
        }
        String json;
        try {
            json = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new TokenizerException(file + (Files.isDirectory(path) ? ": no tokenizer.json in this directory" : ": no such file"));
        } catch (IOException e) {
            throw new TokenizerException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(json, file.toString());
    }

    static Tokenizer parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
            throw new TokenizerException(source + ": not valid JSON" + where + ": " + JsonMappers.problem(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new TokenizerException(source + ": expected a JSON object at the top level");
        }
        JsonAt at = new JsonAt(root, "", source);
        Normalizer normalizer = Normalizers.fromJson(at.get("normalizer"));
        var preTokenizer = PreTokenizers.fromJson(at.get("pre_tokenizer"));
        var model = Models.fromJson(at.get("model"));
        var postProcessor = PostProcessors.fromJson(at.get("post_processor"));
        var decoder = Decoders.fromJson(at.get("decoder"));
        List<AddedToken> addedTokens = new ArrayList<>();
        if (at.has("added_tokens")) {
            for (JsonAt t : at.get("added_tokens").elements()) {
                addedTokens.add(AddedToken.fromJson(t));
            }
        }
        return new Tokenizer(source, normalizer, preTokenizer, model, postProcessor, decoder,
                new AddedVocabulary(addedTokens, normalizer));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
