/** ArchUnit rules of the Nemotron SDK's module structure, reusable by plugin authors. */
module dev.nemotron.archunit {
    requires transitive com.tngtech.archunit;
    exports dev.nemotron.archunit;
}
