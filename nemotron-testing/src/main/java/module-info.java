/**
 * Test support shared by every module's tests: {@link dev.nemotron.testing.Fixtures} finds the one
 * copy of the test fixtures in the checkout; {@link dev.nemotron.testing.node.NodeProcess} runs
 * the node interop checks (npm ci once per lock file, node with a timeout);
 * {@link dev.nemotron.testing.http.StubHttpServer} answers HTTP requests with scripted replies;
 * {@link dev.nemotron.testing.device.FakeDevice} stands in for a training device. A test-scope
 * dependency only.
 */
module dev.nemotron.testing {
    requires transitive dev.nemotron.api;

    exports dev.nemotron.testing;
    exports dev.nemotron.testing.node;
    exports dev.nemotron.testing.http;
    exports dev.nemotron.testing.device;
}
