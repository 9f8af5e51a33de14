package dev.nemotron.infer.engine;

/** Why a generation ended, in OpenAI's words where they exist. */
public enum FinishReason {
    /** An end-of-sequence token, a stop token or a stop string. */
    STOP("stop"),
    /** {@code max_tokens} reached. */
    LENGTH("length"),
    /** Cancelled by the caller (e.g. the HTTP client went away). */
    CANCELLED("cancelled"),
    /** The engine failed on this request. */
    ERROR("error");

    private final String openAiName;

    FinishReason(String openAiName) {
        this.openAiName = openAiName;
    }

    public String openAiName() {
        return openAiName;
    }
}
