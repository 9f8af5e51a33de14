package com.acme.nemotron;

import com.acme.nemotron.internal.VectorDot;
import dev.nemotron.api.backend.Availability;
import dev.nemotron.api.tensor.DType;
import java.util.Set;

/**
 * Fixture: a compliant third-party plugin. It uses the real nemotron-api, the JDK, the Vector API
 * and its own sub-package only.
 */
public final class AcmeBackendInfo {
    public String name() {
        return "acme";
    }

    public Availability availability() {
        return Availability.available("acme: " + VectorDot.lanes() + " float lanes");
    }

    public Set<DType> dtypes() {
        return Set.of(DType.F32, DType.BF16);
    }
}
