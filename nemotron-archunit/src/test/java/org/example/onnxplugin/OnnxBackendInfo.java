package org.example.onnxplugin;

import ai.onnxruntime.archunitfixture.FakeOrtSession;
import dev.nemotron.api.backend.Availability;

/**
 * Fixture: a plugin built on a third-party runtime; passes pluginDependsOnlyOnApi only with
 * "ai.onnxruntime.." allowed.
 */
public final class OnnxBackendInfo {
    public Availability availability() {
        return new FakeOrtSession().open() ? Availability.available("ort") : Availability.unavailable("no ort");
    }
}
