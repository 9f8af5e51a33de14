/**
 * The pure-Java backend: kernels written with the Vector API and run on all cores, plus a plain
 * scalar reference path that the tests check them against.
 */
module dev.nemotron.backend.java {
    requires dev.nemotron.api;
    requires jdk.incubator.vector;

    provides dev.nemotron.api.backend.BackendProvider with
            dev.nemotron.backend.java.JavaBackendProvider,
            dev.nemotron.backend.java.reference.ReferenceBackendProvider;
}
