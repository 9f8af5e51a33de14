/**
 * Test support shared by every module's tests: {@link dev.nemotron.testing.Fixtures} finds the one
 * copy of the test fixtures in the checkout. A test-scope dependency only.
 */
module dev.nemotron.testing {
    exports dev.nemotron.testing;
}
