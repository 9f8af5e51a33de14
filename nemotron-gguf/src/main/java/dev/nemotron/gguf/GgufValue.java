package dev.nemotron.gguf;

import java.util.ArrayList;
import java.util.List;

/** A metadata value of a GGUF file: a number, bool, string or array, with its GGUF value type. */
public sealed interface GgufValue {
    /** GGUF value type ids ({@code gguf_type}). */
    int UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7, STRING = 8, ARRAY = 9,
            UINT64 = 10, INT64 = 11, FLOAT64 = 12;

    /** The GGUF value type id. */
    int type();

    /** An integer of type UINT8 ... INT64. */
    record Int(int type, long value) implements GgufValue {
    }

    /** FLOAT32 or FLOAT64. */
    record Real(int type, double value) implements GgufValue {
    }

    record Bool(boolean value) implements GgufValue {
        @Override
        public int type() {
            return BOOL;
        }
    }

    record Str(String value) implements GgufValue {
        @Override
        public int type() {
            return STRING;
        }
    }

    /** An array of values of one type ({@code elementType}). */
    record Arr(int elementType, List<GgufValue> values) implements GgufValue {
        public Arr {
            values = List.copyOf(values);
        }

        @Override
        public int type() {
            return ARRAY;
        }
    }

    static GgufValue u32(long v) {
        return new Int(UINT32, v);
    }

    static GgufValue f32(double v) {
        return new Real(FLOAT32, v);
    }

    static GgufValue str(String v) {
        return new Str(v);
    }

    static GgufValue bool(boolean v) {
        return new Bool(v);
    }

    static GgufValue i32Array(int... v) {
        List<GgufValue> out = new ArrayList<>(v.length);
        for (int x : v) {
            out.add(new Int(INT32, x));
        }
        return new Arr(INT32, out);
    }

    static GgufValue strArray(List<String> v) {
        return new Arr(STRING, v.stream().<GgufValue>map(Str::new).toList());
    }

    /** Bytes of one element of a fixed-size type, or -1 (STRING, ARRAY) / 0 (unknown). */
    static int fixedSize(long type) {
        return switch ((int) Math.max(-1, Math.min(type, 99))) {
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16 -> 2;
            case UINT32, INT32, FLOAT32 -> 4;
            case UINT64, INT64, FLOAT64 -> 8;
            case STRING, ARRAY -> -1;
            default -> 0;
        };
    }
}
