package dev.nemotron.text.tokenizer.processor;

import dev.nemotron.text.tokenizer.json.JsonAt;
import java.util.List;

/** Builds a {@link PostProcessor} from its {@code tokenizer.json} object. */
public final class PostProcessors {
    static final String SUPPORTED = "TemplateProcessing, ByteLevel, BertProcessing, RobertaProcessing, Sequence";

    private PostProcessors() {
    }

    /** The post-processor at {@code at}, or {@code null} for JSON null. */
    public static PostProcessor fromJson(JsonAt at) {
        if (at.isNull()) {
            return null;
        }
        String type = at.type();
        return switch (type) {
            case "TemplateProcessing" -> TemplateProcessor.fromJson(at);
            case "ByteLevel" -> ids -> ids; // only trims offsets, which this tokenizer does not report
            case "BertProcessing", "RobertaProcessing" -> new WrapProcessor(idOfPair(at.require("cls")), idOfPair(at.require("sep")));
            case "Sequence" -> {
                List<PostProcessor> steps = at.require("processors").elements().stream()
                        .map(PostProcessors::fromJson).filter(p -> p != null).toList();
                yield ids -> {
                    for (PostProcessor p : steps) {
                        ids = p.process(ids);
                    }
                    return ids;
                };
            }
            default -> throw at.unknownType("post-processor", type, SUPPORTED);
        };
    }

    /** The id of a {@code ["[CLS]", 101]} pair. */
    private static int idOfPair(JsonAt at) {
        List<JsonAt> pair = at.elements();
        if (pair.size() != 2) {
            throw at.error("expected [token, id]");
        }
        return pair.get(1).integer();
    }
}
