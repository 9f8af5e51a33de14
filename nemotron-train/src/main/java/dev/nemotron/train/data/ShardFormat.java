package dev.nemotron.train.data;

import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The token shard format: an Arrow IPC <em>file</em> ({@code .arrow}) with one column
 * {@code tokens: List<Int32>} (non-null; one row per document, so document boundaries are kept),
 * written in record batches of bounded size. Schema metadata: {@code nemotron.format},
 * {@code nemotron.source} (dataset name), {@code nemotron.tokenizer}, {@code nemotron.vocab_size},
 * and {@code nemotron.eos_id} when known; the dataset's {@code manifest.json} holds the counts.
 */
public final class ShardFormat {
    public static final String FORMAT = "nemotron-token-shard/1";
    public static final String COLUMN = "tokens";
    public static final String ITEM = "item";
    public static final String META_FORMAT = "nemotron.format";
    public static final String META_SOURCE = "nemotron.source";
    public static final String META_TOKENIZER = "nemotron.tokenizer";
    public static final String META_VOCAB_SIZE = "nemotron.vocab_size";
    public static final String META_EOS_ID = "nemotron.eos_id";
    public static final String MANIFEST = "manifest.json";

    private ShardFormat() {
    }

    static Field tokensField() {
        Field item = new Field(ITEM, FieldType.notNullable(new ArrowType.Int(32, true)), null);
        return new Field(COLUMN, FieldType.notNullable(ArrowType.List.INSTANCE), List.of(item));
    }

    static Schema schema(Map<String, String> metadata) {
        return new Schema(List.of(tokensField()), metadata);
    }

    /** The file name of shard {@code index}: {@code shard-00000.arrow}. */
    static String shardName(int index) {
        return String.format("shard-%05d.arrow", index);
    }
}
