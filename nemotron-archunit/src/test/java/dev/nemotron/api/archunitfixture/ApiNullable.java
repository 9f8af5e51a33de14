package dev.nemotron.api.archunitfixture;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/** Fixture: an annotation declared in the API, using java.lang.annotation only. */
@Documented
@Retention(RetentionPolicy.CLASS)
public @interface ApiNullable {
}
