package dev.nemotron.backend.cuda;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.backend.Availability;
import dev.nemotron.backend.cuda.ffi.NmcLayouts;
import dev.nemotron.backend.cuda.ffi.NmcLibrary;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Finds and loads the native library and asks it about the GPU, turning every failure into an
 * {@link Availability} a user can act on. Never throws.
 *
 * @param availability what to tell the user
 * @param library      the loaded library when available, else null
 */
record CudaProbe(Availability availability, NmcLibrary library) {
    static final String MODULE = "dev.nemotron.backend.cuda";

    static CudaProbe run(LibraryLocator locator) {
        try {
            return probe(locator);
        } catch (RuntimeException | LinkageError e) {
            return unavailable("the CUDA backend could not be started: " + e);
        }
    }

    private static CudaProbe probe(LibraryLocator locator) {
        LibraryLocator.Result where = locator.locate();
        if (where.library().isEmpty()) {
            return notFound(where.tried());
        }
        Path path = where.library().get();
        NmcLibrary lib;
        try {
            lib = NmcLibrary.load(path);
        } catch (IllegalCallerException e) {
            return unavailable("found " + path + " but this JVM denies native access to module " + MODULE
                    + ": start java with --enable-native-access=" + MODULE);
        } catch (IllegalArgumentException e) {
            String msg = loaderError(path, e);
            String lower = msg.toLowerCase(Locale.ROOT);
            if (lower.contains("libcudart") || lower.contains("libcublas") || lower.contains("libcuda.")) {
                return unavailable("found " + path + " but the CUDA libraries it needs could not be loaded: " + msg
                        + "; install the CUDA runtime and cuBLAS (or add their directory to LD_LIBRARY_PATH)");
            }
            return unavailable("found " + path + " but cannot load it: " + msg);
        } catch (NemotronException e) {
            return unavailable(e.getMessage());
        }
        int abi = lib.abiVersion();
        if (abi != NmcLayouts.ABI_VERSION) {
            return unavailable(path + " has ABI version " + abi + " but this plugin needs version " + NmcLayouts.ABI_VERSION
                    + ": rebuild the library from the sources of this release");
        }
        int devices;
        try {
            devices = lib.deviceCount();
        } catch (NemotronException e) {
            return unavailable(path + " loaded, but CUDA cannot be used: " + e.getMessage()
                    + " (is the NVIDIA driver installed and recent enough?)");
        }
        if (devices == 0) {
            return unavailable(path + " loaded, but no CUDA device is visible (check nvidia-smi and CUDA_VISIBLE_DEVICES)");
        }
        String device = lib.deviceDescribe(0);
        return new CudaProbe(Availability.available("available: " + device
                + (devices > 1 ? " (+" + (devices - 1) + " more; device 0 is used)" : "") + "; " + path), lib);
    }

    /**
     * The dynamic loader's own message (dlerror: a missing libcudart.so.12, an invalid ELF
     * header, ...): FFM's library lookup reports only "Cannot open library", {@link System#load}
     * reports why.
     */
    private static String loaderError(Path path, IllegalArgumentException lookupError) {
        try {
            System.load(path.toAbsolutePath().toString());
        } catch (UnsatisfiedLinkError e) {
            if (e.getMessage() != null) {
                return e.getMessage();
            }
        } catch (RuntimeException e) {
            // fall back to the lookup's message
        }
        return lookupError.getMessage() == null ? lookupError.toString() : lookupError.getMessage();
    }

    /**
     * One line: where it was looked for when that was a single explicit place, else how to build
     * and name it; every place tried goes into the detail.
     */
    private static CudaProbe notFound(java.util.List<String> tried) {
        String where = tried.size() == 1 ? " at " + tried.getFirst() : "";
        String reason = LibraryLocator.FILE_NAME + " not found" + where + ": build it and set " + LibraryLocator.ENV
                + " (docs/backend-cuda.md)";
        return new CudaProbe(Availability.unavailable(reason, "looked at: " + String.join(", ", tried)
                + "; build it from plugins/backend-cuda/native and name it with " + LibraryLocator.ENV + " or -D"
                + LibraryLocator.PROPERTY), null);
    }

    private static CudaProbe unavailable(String reason) {
        return new CudaProbe(Availability.unavailable(reason), null);
    }
}
