package dev.nemotron.backend.cuda;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The shared test fixtures (nemotron-testing/src/main/resources/fixtures, see its NOTICE.md; on the test class path through surefire's additionalClasspathElements) as directories. */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir(String name) {
        URL url = Fixtures.class.getResource("/fixtures/" + name + "/config.json");
        if (url == null) {
            throw new IllegalStateException("fixture " + name + " not found on the test class path");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
