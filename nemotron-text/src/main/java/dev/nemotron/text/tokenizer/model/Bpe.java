package dev.nemotron.text.tokenizer.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.text.tokenizer.json.JsonAt;
import dev.nemotron.text.tokenizer.text.IntList;
import dev.nemotron.text.tokenizer.text.Utf8;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code BPE} model: each piece starts as one symbol per character (with
 * {@code continuing_subword_prefix} on all but the first and {@code end_of_word_suffix} on the
 * last); characters missing from the vocabulary become their UTF-8 byte tokens
 * ({@code <0xE2>}, with {@code byte_fallback}) or {@code unk_token} (consecutive ones fused with
 * {@code fuse_unk}) or are dropped. Then the adjacent pair of lowest merge rank is merged, leftmost
 * first, until no pair merges; a binary heap over a linked list of symbols does this in
 * O(n log n). With {@code ignore_merges} a piece that is itself in the vocabulary is emitted
 * directly. Results of short pieces are cached.
 */
public final class Bpe implements Model {
    private static final int CACHE_CAPACITY = 200_000;
    private static final int CACHE_MAX_CHARS = 256;

    private final Map<String, Integer> vocab;
    private final TokensById byId;
    private final PairRanks merges;
    private final int unkId;
    private final boolean fuseUnk;
    private final int[] byteIds;
    private final String prefix;
    private final String suffix;
    private final boolean ignoreMerges;
    /** Ids of one-character BMP tokens (no prefix/suffix), -1 when absent: the common lookup without hashing. */
    private final int[] charIds = new int[0x10000];
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    private Bpe(Map<String, Integer> vocab, PairRanks merges, int unkId, boolean fuseUnk, boolean byteFallback,
                String prefix, String suffix, boolean ignoreMerges) {
        this.vocab = vocab;
        this.byId = Models.byId(vocab);
        this.merges = merges;
        this.unkId = unkId;
        this.fuseUnk = fuseUnk;
        this.prefix = prefix;
        this.suffix = suffix;
        this.ignoreMerges = ignoreMerges;
        Arrays.fill(charIds, -1);
        vocab.forEach((t, id) -> {
            if (t.length() == 1) {
                charIds[t.charAt(0)] = id;
            }
        });
        if (byteFallback) {
            byteIds = new int[256];
            for (int b = 0; b < 256; b++) {
                byteIds[b] = vocab.getOrDefault(String.format("<0x%02X>", b), -1);
            }
        } else {
            byteIds = null;
        }
    }

    static Bpe fromJson(JsonAt at) {
        Map<String, Integer> vocab = Models.vocab(at);
        String prefix = at.optText("continuing_subword_prefix").filter(s -> !s.isEmpty()).orElse(null);
        String suffix = at.optText("end_of_word_suffix").filter(s -> !s.isEmpty()).orElse(null);
        if (at.has("dropout") && at.get("dropout").node().asDouble() > 0) {
            throw at.get("dropout").error("BPE dropout is for training only and is not supported; set it to null");
        }
        int unkId = -1;
        if (at.has("unk_token")) {
            String unk = at.text("unk_token");
            Integer id = vocab.get(unk);
            if (id == null) {
                throw at.get("unk_token").error("'" + unk + "' is not in the vocabulary");
            }
            unkId = id;
        }
        PairRanks merges = parseMerges(at.require("merges"), vocab, prefix);
        return new Bpe(vocab, merges, unkId, at.bool("fuse_unk", false), at.bool("byte_fallback", false),
                prefix, suffix, at.bool("ignore_merges", false));
    }

    private static PairRanks parseMerges(JsonAt at, Map<String, Integer> vocab, String prefix) {
        at.elements(); // fails unless an array
        JsonNode list = at.node();
        PairRanks merges = new PairRanks(list.size());
        int prefixLen = prefix == null ? 0 : prefix.length();
        for (int rank = 0; rank < list.size(); rank++) {
            JsonNode m = list.get(rank);
            String a;
            String b;
            if (m.isTextual()) {
                String s = m.textValue();
                int sp = s.indexOf(' ');
                if (sp < 0 || s.indexOf(' ', sp + 1) >= 0) {
                    throw entry(at, rank).error("expected \"left right\" (two tokens separated by one space), got '" + s + "'");
                }
                a = s.substring(0, sp);
                b = s.substring(sp + 1);
            } else if (m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual()) {
                a = m.get(0).textValue();
                b = m.get(1).textValue();
            } else {
                throw entry(at, rank).error("expected \"left right\" or [left, right], got " + m);
            }
            String merged = a + (prefixLen > 0 && b.startsWith(prefix) ? b.substring(prefixLen) : b);
            Integer aId = vocab.get(a);
            Integer bId = vocab.get(b);
            Integer mergedId = vocab.get(merged);
            if (aId == null || bId == null || mergedId == null) {
                String missing = aId == null ? a : bId == null ? b : merged;
                throw entry(at, rank).error("merge refers to token '" + missing + "', which is not in the vocabulary");
            }
            merges.put(aId, bId, rank, mergedId);
        }
        return merges;
    }

    private static JsonAt entry(JsonAt merges, int rank) {
        return new JsonAt(merges.node().get(rank), merges.path() + "[" + rank + "]", merges.source());
    }

    @Override
    public void encode(String piece, IntList out) {
        if (piece.isEmpty()) {
            return;
        }
        if (ignoreMerges) {
            Integer id = vocab.get(piece);
            if (id != null) {
                out.add(id);
                return;
            }
        }
        boolean cacheable = piece.length() <= CACHE_MAX_CHARS;
        int[] ids = cacheable ? cache.get(piece) : null;
        if (ids == null) {
            ids = merge(piece);
            if (cacheable && cache.size() < CACHE_CAPACITY) {
                cache.put(piece, ids);
            }
        }
        out.addAll(ids);
    }

    /** The initial symbols of a piece, then all merges applied. */
    private int[] merge(String w) {
        IntList symbols = new IntList(w.length() + 2);
        int pendingUnk = -1; // an unk not yet emitted (fuse_unk extends it)
        for (int i = 0; i < w.length(); ) {
            int cp = w.codePointAt(i);
            int n = Character.charCount(cp);
            boolean first = i == 0;
            boolean last = i + n == w.length();
            int id;
            String s = null;
            if ((prefix == null || first) && (suffix == null || !last) && n == 1) {
                id = charIds[cp];
            } else {
                s = w.substring(i, i + n);
                if (prefix != null && !first) {
                    s = prefix + s;
                }
                if (suffix != null && last) {
                    s = s + suffix;
                }
                id = vocab.getOrDefault(s, -1);
            }
            i += n;
            if (id >= 0) {
                if (pendingUnk >= 0) {
                    symbols.add(pendingUnk);
                    pendingUnk = -1;
                }
                symbols.add(id);
                continue;
            }
            if (byteIds != null && addBytes(s != null ? s : new String(Character.toChars(cp)), symbols, pendingUnk)) {
                pendingUnk = -1;
                continue;
            }
            if (unkId >= 0) {
                if (pendingUnk >= 0 && !fuseUnk) {
                    symbols.add(pendingUnk);
                }
                pendingUnk = unkId;
            }
        }
        if (pendingUnk >= 0) {
            symbols.add(pendingUnk);
        }
        return applyMerges(symbols.toArray());
    }

    private boolean addBytes(String s, IntList symbols, int pendingUnk) {
        byte[] bytes = Utf8.encode(s);
        for (byte b : bytes) {
            if (byteIds[b & 0xFF] < 0) {
                return false;
            }
        }
        if (pendingUnk >= 0) {
            symbols.add(pendingUnk);
        }
        for (byte b : bytes) {
            symbols.add(byteIds[b & 0xFF]);
        }
        return true;
    }

    /** Merges pairs by rank (ties: leftmost first) over a linked list of symbols. */
    private int[] applyMerges(int[] ids) {
        int n = ids.length;
        if (n < 2) {
            return ids;
        }
        int[] next = new int[n];
        int[] prev = new int[n];
        boolean[] dead = new boolean[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            int r = merges.rank(ids[i], ids[i + 1]);
            if (r >= 0) {
                heap.push(((long) r << 32) | i);
            }
        }
        int alive = n;
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int rank = (int) (top >>> 32);
            int pos = (int) top;
            int right = next[pos];
            if (dead[pos] || right < 0) {
                continue;
            }
            int current = merges.rank(ids[pos], ids[right]);
            if (current < 0 || merges.mergedId(current) != merges.mergedId(rank)) {
                continue; // stale entry: the pair changed since it was queued
            }
            ids[pos] = merges.mergedId(rank);
            dead[right] = true;
            alive--;
            int after = next[right];
            next[pos] = after;
            if (after >= 0) {
                prev[after] = pos;
            }
            int before = prev[pos];
            if (before >= 0) {
                int r = merges.rank(ids[before], ids[pos]);
                if (r >= 0) {
                    heap.push(((long) r << 32) | before);
                }
            }
            if (after >= 0) {
                int r = merges.rank(ids[pos], ids[after]);
                if (r >= 0) {
                    heap.push(((long) r << 32) | pos);
                }
            }
        }
        int[] result = new int[alive];
        for (int i = 0, k = 0; i >= 0; i = next[i]) {
            result[k++] = ids[i];
        }
        return result;
    }

    @Override
    public String idToToken(int id) {
        return byId.get(id);
    }

    @Override
    public int tokenToId(String token) {
        return vocab.getOrDefault(token, -1);
    }

    @Override
    public Map<String, Integer> vocab() {
        return Collections.unmodifiableMap(vocab);
    }

    @Override
    public String toString() {
        return "BPE[" + vocab.size() + " tokens]";
    }
}
