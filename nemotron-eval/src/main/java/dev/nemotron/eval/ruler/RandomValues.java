package dev.nemotron.eval.ruler;

import dev.nemotron.eval.ruler.NiahSpec.ValueType;
import java.util.Random;
import java.util.UUID;

/** Random needle keys and values as RULER draws them: adjective-noun words, 7-digit numbers, version-4 UUIDs. */
final class RandomValues {
    private RandomValues() {
    }

    /** A random key or value of {@code type}. */
    static String draw(ValueType type, Random rng) {
        return switch (type) {
            case WORDS -> KeyWords.pair((long) (rng.nextDouble() * KeyWords.pairs()));
            case NUMBERS -> Integer.toString(1_000_000 + rng.nextInt(9_000_000));
            case UUIDS -> uuid(rng);
        };
    }

    /** A random UUID with the version-4 and IETF-variant bits set, as Python's {@code uuid.UUID(int=…, version=4)}. */
    static String uuid(Random rng) {
        long msb = (rng.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (rng.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }
}
