package dev.nemotron.train.data;

import dev.nemotron.api.NemotronException;
import java.nio.file.Path;

/**
 * Splits a token dataset into a training and a held-out dataset by document: document {@code i}
 * is held out when a hash of (seed, i) falls below {@code fraction}, so the split is
 * deterministic and needs one streaming pass. Both outputs keep the source's tokenizer, vocabulary
 * and EOS id; the held-out one is named {@code NAME-heldout}.
 */
public final class DatasetSplit {
    private DatasetSplit() {
    }

    /** The two datasets written. */
    public record Result(TokenDataset train, TokenDataset heldOut) {
    }

    public static Result split(TokenDataset source, double fraction, long seed, Path trainDir, Path heldOutDir) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new NemotronException("the held-out fraction must be in (0, 1), got " + fraction);
        }
        Manifest m = source.manifest();
        if (m.documents() < 2) {
            throw new NemotronException(source.dir() + ": holds " + m.documents() + " document(s); a held-out split needs at least 2");
        }
        WriterOptions train = new WriterOptions(m.name(), m.tokenizer(), m.vocabSize(), m.eosId(), m.shardTokens(),
                WriterOptions.DEFAULT_BATCH_TOKENS);
        WriterOptions held = new WriterOptions(m.name() + "-heldout", m.tokenizer(), m.vocabSize(), m.eosId(),
                m.shardTokens(), WriterOptions.DEFAULT_BATCH_TOKENS);
        long[] index = {0};
        long[] heldCount = {0};
        try (DatasetWriter tw = DatasetWriter.create(trainDir, train, text -> {
                throw new IllegalStateException("no text here");
            });
             DatasetWriter hw = DatasetWriter.create(heldOutDir, held, text -> {
                 throw new IllegalStateException("no text here");
             })) {
            String from = source.dir().toString();
            try (DatasetWriter.DocumentSink ts = tw.documents(from); DatasetWriter.DocumentSink hs = hw.documents(from)) {
                source.forEachDocument(doc -> {
                    long i = index[0]++;
                    boolean out = Seeds.unit(Seeds.mix(seed, 0x686f6c64L, i)) < fraction;
                    // never hold out everything: the last document goes to training when nothing else did
                    if (out && !(i == m.documents() - 1 && heldCount[0] == i)) {
                        hs.add(doc);
                        heldCount[0]++;
                    } else {
                        ts.add(doc);
                    }
                });
            }
            if (heldCount[0] == 0) {
                throw new NemotronException(source.dir() + ": a held-out fraction of " + fraction + " selected none of its "
                        + m.documents() + " documents; raise the fraction");
            }
            tw.finish();
            hw.finish();
        }
        return new Result(TokenDataset.open(trainDir), TokenDataset.open(heldOutDir));
    }
}
