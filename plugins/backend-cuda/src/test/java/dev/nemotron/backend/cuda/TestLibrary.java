package dev.nemotron.backend.cuda;

import dev.nemotron.backend.cuda.ffi.NmcLibrary;

/** The native library the CUDA backend of this JVM loads, for GPU tests that call {@code nmc_k_*} directly. */
public final class TestLibrary {
    private TestLibrary() {
    }

    /** The library, as the provider locates it; call after the backend was found available. */
    public static NmcLibrary load() {
        return NmcLibrary.load(LibraryLocator.ofThisJvm().locate().library()
                .orElseThrow(() -> new IllegalStateException("no libnemotron_cuda.so found")));
    }
}
