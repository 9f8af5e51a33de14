package dev.nemotron.train.data;

import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;

/**
 * Loads one record batch of an Arrow file into a root, giving back every byte it allocated when
 * the batch turns out to be damaged. Arrow's own {@code ArrowFileReader.loadRecordBatch} reads the
 * message and body into one buffer that it does not release when the flatbuffer metadata fails
 * to parse (512 bytes lost per damaged file); here the body is released whenever the batch could
 * not be built from it.
 *
 * <p>The message length is read and bounded by the footer's block size before Arrow sizes
 * anything from it.
 */
final class RecordBatchLoader {
    private static final int CONTINUATION = 0xFFFFFFFF;

    private RecordBatchLoader() {
    }

    /** Loads {@code block} of {@code channel} into {@code root} (which must have the file's schema). */
    static void load(Path file, FileChannel channel, ArrowBlock block, BufferAllocator allocator, VectorSchemaRoot root)
            throws IOException {
        // 1. the message prefix: [continuation] int32 length, bounded by the footer's metadata size
        int length = messageLength(channel, block.getOffset());
        if (length <= 0 || length > block.getMetadataLength()) {
            throw new NemotronException(file + ": not a valid Arrow token shard (a record batch message of " + length
                    + " bytes does not fit its block of " + block.getMetadataLength() + ")");
        }
        // 2. the flatbuffer metadata (heap, bounded above), then the body (Arrow memory, owned here)
        channel.position(block.getOffset());
        ReadChannel in = new ReadChannel(channel);
        MessageMetadataResult message = MessageSerializer.readMessage(in);
        if (message == null || message.headerType() != MessageHeader.RecordBatch) {
            throw new NemotronException(file + ": not a valid Arrow token shard (a block holds no record batch)");
        }
        long bodyLength = message.getMessageBodyLength();
        if (bodyLength < 0 || bodyLength > block.getBodyLength()) {
            throw new NemotronException(file + ": not a valid Arrow token shard (a record batch body of " + bodyLength
                    + " bytes does not fit its block of " + block.getBodyLength() + ")");
        }
        ArrowBuf body = MessageSerializer.readMessageBody(in, bodyLength, allocator);
        ArrowRecordBatch batch;
        try {
            // the batch takes references to slices of the body and releases the body itself, unless it fails
            batch = MessageSerializer.deserializeRecordBatch(message, body);
        } catch (IOException | RuntimeException e) {
            body.close();
            throw e;
        }
        // 3. the vectors take their own references; closing the batch drops its
        try (batch) {
            new VectorLoader(root).load(batch);
        }
    }

    private static int messageLength(FileChannel channel, long offset) throws IOException {
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        int read = channel.read(prefix, offset);
        if (read < 8) {
            return -1;
        }
        int first = prefix.getInt(0);
        return first == CONTINUATION ? prefix.getInt(4) : first;
    }
}
