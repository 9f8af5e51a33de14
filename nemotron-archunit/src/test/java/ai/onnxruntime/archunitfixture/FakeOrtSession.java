package ai.onnxruntime.archunitfixture;

/** Fixture: stands in for a class of the ONNX Runtime Java API (package ai.onnxruntime..). */
public final class FakeOrtSession {
    public boolean open() {
        return true;
    }
}
