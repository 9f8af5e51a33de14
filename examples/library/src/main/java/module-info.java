/** An application that uses the SDK from the module path. */
module com.example.nemotron {
    requires dev.nemotron.infer;
}
