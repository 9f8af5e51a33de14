package dev.nemotron.backend.cuda.ffi;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The struct layouts against the C sizes and offsets of nemotron_cuda.h on LP64. */
class NmcLayoutsTest {
    @Test
    void configIs23FieldsAndAPointerWithNaturalAlignment() {
        assertThat(NmcLayouts.CONFIG.byteSize()).isEqualTo(104);
        assertThat(NmcLayouts.CONFIG.byteAlignment()).isEqualTo(8);
        assertThat(NmcLayouts.offset(NmcLayouts.CONFIG, "abi_version")).isZero();
        assertThat(NmcLayouts.offset(NmcLayouts.CONFIG, "num_layers")).isEqualTo(12);
        assertThat(NmcLayouts.offset(NmcLayouts.CONFIG, "pattern")).isEqualTo(16);
        assertThat(NmcLayouts.offset(NmcLayouts.CONFIG, "intermediate_size")).isEqualTo(24);
        assertThat(NmcLayouts.offset(NmcLayouts.CONFIG, "chunk_size")).isEqualTo(60);
        assertThat(NmcLayouts.offset(NmcLayouts.CONFIG, "norm_eps")).isEqualTo(64);
        assertThat(NmcLayouts.offset(NmcLayouts.CONFIG, "dt_max")).isEqualTo(72);
        assertThat(NmcLayouts.offset(NmcLayouts.CONFIG, "mamba_proj_bias")).isEqualTo(76);
        assertThat(NmcLayouts.offset(NmcLayouts.CONFIG, "compute_dtype")).isEqualTo(96);
        long named = NmcLayouts.CONFIG.memberLayouts().stream().filter(l -> l.name().isPresent()).count();
        assertThat(named).isEqualTo(24);
    }

    @Test
    void samplingIsTwoFloatsAndAnAlignedUint64() {
        assertThat(NmcLayouts.SAMPLING.byteSize()).isEqualTo(16);
        assertThat(NmcLayouts.offset(NmcLayouts.SAMPLING, "top_p")).isEqualTo(4);
        assertThat(NmcLayouts.offset(NmcLayouts.SAMPLING, "seed")).isEqualTo(8);
        NmcLayouts.checkSizes();
    }

    @Test
    void configValuesLandInTheirFields() {
        NmcConfig c = new NmcConfig(512, 64, "M-*", 192, 4, 2, 16, 8, 16, 2, 16, 4, 8, 1e-5f, 0.001f,
                Float.POSITIVE_INFINITY, true, true, false, true, false, NmcLayouts.NMC_BF16);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = c.toNative(arena);
            assertThat(s.byteSize()).isEqualTo(104);
            assertThat(s.get(ValueLayout.JAVA_INT, 0)).isEqualTo(NmcLayouts.ABI_VERSION);
            assertThat(s.get(ValueLayout.JAVA_INT, 4)).isEqualTo(512);
            assertThat(s.get(ValueLayout.JAVA_INT, 12)).isEqualTo(3);
            assertThat(s.get(ValueLayout.ADDRESS, 16).reinterpret(4).getString(0)).isEqualTo("M-*");
            assertThat(s.get(ValueLayout.JAVA_INT, 24)).isEqualTo(192);
            assertThat(s.get(ValueLayout.JAVA_INT, 60)).isEqualTo(8);
            assertThat(s.get(ValueLayout.JAVA_FLOAT, 64)).isEqualTo(1e-5f);
            assertThat(s.get(ValueLayout.JAVA_FLOAT, 68)).isEqualTo(0.001f);
            assertThat(s.get(ValueLayout.JAVA_FLOAT, 72)).isInfinite();
            assertThat(s.get(ValueLayout.JAVA_INT, 76)).isEqualTo(1);
            assertThat(s.get(ValueLayout.JAVA_INT, 84)).isZero();
            assertThat(s.get(ValueLayout.JAVA_INT, 88)).isEqualTo(1);
            assertThat(s.get(ValueLayout.JAVA_INT, 96)).isEqualTo(NmcLayouts.NMC_BF16);
        }
    }
}
