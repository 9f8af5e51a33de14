package dev.nemotron.eval.math;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.eval.math.ExtractedAnswer.Source;
import java.util.List;
import org.junit.jupiter.api.Test;

class MathAnswerExtractorTest {
    private static String first(String completion) {
        List<ExtractedAnswer> found = MathAnswerExtractor.extract(completion);
        return found.isEmpty() ? null : found.getFirst().text();
    }

    @Test
    void takesTheLastBoxWithNestedBraces() {
        assertThat(first("so \\boxed{\\frac{1}{\\sqrt{2}}} done")).isEqualTo("\\frac{1}{\\sqrt{2}}");
        assertThat(first("first \\boxed{1}, then \\boxed{2}.")).isEqualTo("2");
        assertThat(first("$\\fbox{7}$")).isEqualTo("7");
        assertThat(first("so $\\boxed 5$")).isEqualTo("5");
        assertThat(first("\\boxed{\\{1,2\\}}")).isEqualTo("\\{1,2\\}");
        assertThat(first("\\boxed{3} and a truncated \\boxed{4")).isEqualTo("3");
        assertThat(MathAnswerExtractor.extract("\\boxed{12}").getFirst().source()).isEqualTo(Source.BOXED);
    }

    @Test
    void onlyTheFinalPartAfterTheReasoningCounts() {
        assertThat(first("<think>maybe \\boxed{3}? no.</think>The answer is \\boxed{4}")).isEqualTo("4");
        assertThat(first("reasoning without an opening tag, 3</think> so 4")).isEqualTo("4");
        assertThat(MathAnswerExtractor.extract("<think>it is \\boxed{3} but I ran out of tokens")).isEmpty();
        assertThat(Reasoning.finalPart("<think>a</think>b</think>c")).isEqualTo("c");
        assertThat(Reasoning.finalPart("plain")).isEqualTo("plain");
    }

    @Test
    void gsm8kMarker() {
        List<ExtractedAnswer> found = MathAnswerExtractor.extract("She sold 48/2 = 24 clips.\n#### 1,234\n");
        assertThat(found.getFirst()).isEqualTo(new ExtractedAnswer("1,234", Source.GSM8K_MARKER));
    }

    @Test
    void answerPhrases() {
        assertThat(first("Adding up, the answer is 5.")).isEqualTo("5");
        assertThat(first("Final Answer: The final answer is $\\frac{1}{2}$. I hope it is correct.")).isEqualTo("\\frac{1}{2}");
        assertThat(first("**Final Answer:** 42")).isEqualTo("42");
        assertThat(first("Answer: 5 apples")).isEqualTo("5");
        assertThat(first("The answer is \\(x = 3\\), since ...")).isEqualTo("x = 3");
        assertThat(first("The answer is 3.5. Then again the answer is 4.5.")).isEqualTo("4.5");
        assertThat(MathAnswerExtractor.extract("the answer is 7").getFirst().source()).isEqualTo(Source.ANSWER_PHRASE);
    }

    @Test
    void lastNumberIsTheFallback() {
        assertThat(first("I think it's 3, no wait, 4.")).isEqualTo("4");
        assertThat(first("it is -7 degrees")).isEqualTo("-7");
        assertThat(first("x equals 3/4")).isEqualTo("3/4");
        assertThat(first("1,000 people came")).isEqualTo("1,000");
        assertThat(first("between 5-3 and 2.5")).isEqualTo("2.5");
        assertThat(MathAnswerExtractor.extract("AZYUK2A")).isEmpty();
        assertThat(MathAnswerExtractor.extract("no numbers here")).isEmpty();
        assertThat(MathAnswerExtractor.extract("the 3rd")).isEmpty();
    }

    @Test
    void candidatesComeMostReliableFirst() {
        List<ExtractedAnswer> found = MathAnswerExtractor.extract("The answer is 6. So \\boxed{5} #### 7");
        assertThat(found).extracting(ExtractedAnswer::source)
                .containsExactly(Source.BOXED, Source.GSM8K_MARKER, Source.ANSWER_PHRASE, Source.LAST_NUMBER);
        assertThat(found).extracting(ExtractedAnswer::text).containsExactly("5", "7", "6", "7");
    }

    @Test
    void nothingInEmptyInput() {
        assertThat(MathAnswerExtractor.extract(null)).isEmpty();
        assertThat(MathAnswerExtractor.extract("   ")).isEmpty();
        assertThat(MathAnswerExtractor.extract("\\boxed{}")).isEmpty();
    }

    @Test
    void answerPartOfAReference() {
        assertThat(MathAnswerExtractor.answerPart("Natalia sold 72 clips.\n#### 72")).isEqualTo("72");
        assertThat(MathAnswerExtractor.answerPart("so $\\boxed{\\frac{3}{4}}$.")).isEqualTo("\\frac{3}{4}");
        assertThat(MathAnswerExtractor.answerPart("\\frac{3}{4}")).isEqualTo("\\frac{3}{4}");
        assertThat(MathAnswerExtractor.answerPart(null)).isEmpty();
    }
}
