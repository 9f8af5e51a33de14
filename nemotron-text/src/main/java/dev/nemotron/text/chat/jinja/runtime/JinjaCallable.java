package dev.nemotron.text.chat.jinja.runtime;

import java.util.List;
import java.util.Map;

/** Anything a template can call: globals, bound methods, macros. */
@FunctionalInterface
public interface JinjaCallable {
    /** Calls with evaluated positional and keyword arguments. */
    Object call(List<Object> args, Map<String, Object> kwargs);
}
