package dev.nemotron.infer.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StopMatcherTest {

    private static StopMatcher stops(String... s) {
        return new StopMatcher(List.of(s), Set.of());
    }

    /** Feeds {@code pieces} as a streaming loop would; returns what was streamed and whether it stopped. */
    private static String stream(StopMatcher m, StringBuilder stoppedFlag, String... pieces) {
        StringBuilder text = new StringBuilder();
        StringBuilder out = new StringBuilder();
        int streamed = 0;
        for (String piece : pieces) {
            int checked = text.length();
            text.append(piece);
            StopMatcher.Check c = m.check(text, checked);
            assertThat(c.textEnd()).isGreaterThanOrEqualTo(streamed);
            out.append(text, streamed, c.textEnd());
            streamed = c.textEnd();
            if (c.stopped()) {
                stoppedFlag.append("stopped");
                return out.toString();
            }
        }
        out.append(text, streamed, text.length());   // end of generation: release the held-back tail
        return out.toString();
    }

    @Test
    void findsTheStopAndCutsBeforeIt() {
        StopMatcher m = stops("STOP");
        assertThat(m.find("Hello STOP world")).hasValue(6);
        assertThat(m.find("Hello world")).isEmpty();
    }

    @Test
    void stopAtPositionZeroReturnsNothing() {
        assertThat(stops("STOP").find("STOP and more")).hasValue(0);
        StringBuilder stopped = new StringBuilder();
        assertThat(stream(stops("<|end|>"), stopped, "<|end|>", "ignored")).isEmpty();
        assertThat(stopped).hasToString("stopped");
    }

    @Test
    void stopSplitAcrossTokensIsHeldBackThenCut() {
        StopMatcher m = stops("STOP");
        assertThat(m.check("Hello S", 0)).isEqualTo(new StopMatcher.Check(false, 6));
        assertThat(m.check("Hello STO", 7)).isEqualTo(new StopMatcher.Check(false, 6));
        assertThat(m.check("Hello STOP!", 9)).isEqualTo(new StopMatcher.Check(true, 6));
        StringBuilder stopped = new StringBuilder();
        assertThat(stream(m, stopped, "Hel", "lo S", "T", "OP", "!")).isEqualTo("Hello ");
        assertThat(stopped).hasToString("stopped");
    }

    @Test
    void heldBackTextIsReleasedWhenItDiverges() {
        StopMatcher m = stops("STOP");
        assertThat(m.check("a ST", 0)).isEqualTo(new StopMatcher.Check(false, 2));
        assertThat(m.check("a STx", 4)).isEqualTo(new StopMatcher.Check(false, 5));
        StringBuilder stopped = new StringBuilder();
        assertThat(stream(m, stopped, "a ST", "ART ST")).isEqualTo("a START ST");
        assertThat(stopped).isEmpty();
    }

    @Test
    void overlappingStopsCutAtTheEarliestWhateverTheirOrder() {
        assertThat(stops("ab", "b").find("xab")).hasValue(1);
        assertThat(stops("b", "ab").find("xab")).hasValue(1);
        assertThat(stops("cd", "abcde").find("xxabcdef")).hasValue(2);
        assertThat(stops("aab").find("aaab")).hasValue(1);
        assertThat(stops("aa").find("aaa")).hasValue(0);
    }

    @Test
    void holdBackIsTheLongestSuffixThatStartsAStop() {
        StopMatcher m = stops("abc", "bcd");
        assertThat(m.holdBack("xab")).isEqualTo(2);    // "ab" starts "abc"
        assertThat(m.holdBack("xbc")).isEqualTo(2);    // "bc" starts "bcd"
        assertThat(m.holdBack("xabx")).isZero();
        assertThat(m.holdBack("a")).isEqualTo(1);
        assertThat(m.holdBack("")).isZero();
        assertThat(stops("aab").holdBack("xaa")).isEqualTo(2);
        assertThat(stops("aab").holdBack("xaaa")).isEqualTo(2);
        assertThat(stops("\n\n").holdBack("line\n")).isEqualTo(1);
    }

    @Test
    void overlappingStopSplitAcrossPieces() {
        // "ab" held, then "abc" is not complete but "bc" completes "bc"
        StopMatcher m = stops("abd", "bc");
        StringBuilder stopped = new StringBuilder();
        assertThat(stream(m, stopped, "xa", "b", "c")).isEqualTo("xa");
        assertThat(stopped).hasToString("stopped");
    }

    @Test
    void searchStartsJustBeforeTheCheckedPrefix() {
        StopMatcher m = stops("STOP");
        // an occurrence inside the checked prefix is not searched again ...
        assertThat(m.find("STOP then more", 10)).isEmpty();
        // ... but one that straddles the boundary is found
        assertThat(m.find("xxSTOP", 3)).hasValue(2);
        assertThat(m.find("xxSTOP", 5)).hasValue(2);
        assertThat(m.find("xxSTOP", 6)).isEmpty();
    }

    @Test
    void stopTokenIds() {
        StopMatcher m = new StopMatcher(List.of(), Set.of(2, 11));
        assertThat(m.isStopToken(11)).isTrue();
        assertThat(m.isStopToken(3)).isFalse();
        assertThat(m.holdBack("anything")).isZero();
        assertThat(m.find("anything")).isEmpty();
        StopMatcher fromParams = StopMatcher.of(SamplingParams.builder().stop("x").stopTokenIds(7).build());
        assertThat(fromParams.isStopToken(7)).isTrue();
        assertThat(fromParams.maxStopLength()).isEqualTo(1);
        assertThat(StopMatcher.none().isStopToken(0)).isFalse();
    }

    @Test
    void emptyStopStringIsRejected() {
        assertThatThrownBy(() -> stops("a", ""))
                .isInstanceOf(NemotronException.class)
                .hasMessage("stop must not contain an empty or null string");
    }
}
