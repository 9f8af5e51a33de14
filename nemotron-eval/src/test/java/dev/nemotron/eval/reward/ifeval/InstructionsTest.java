package dev.nemotron.eval.reward.ifeval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every checker with a response that follows its instruction and one that does not (often by one). */
class InstructionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TESTED = new HashSet<>();

    static Stream<Arguments> cases() {
        return Stream.of(
                // id, kwargs, follows, does not
                Arguments.of("length_constraints:number_words", "{\"relation\":\"at least\",\"num_words\":5}",
                        "one two three four five", "one two three four"),
                Arguments.of("length_constraints:number_words", "{\"relation\":\"less than\",\"num_words\":5}",
                        "one, two; three-four", "one two three four five"),
                Arguments.of("length_constraints:number_sentences", "{\"relation\":\"less than\",\"num_sentences\":3}",
                        "It rains. Is it cold?", "It rains. Is it cold? Yes!"),
                Arguments.of("length_constraints:number_sentences", "{\"relation\":\"at least\",\"num_sentences\":3}",
                        "It rains... Is it cold?! \"Yes.\" ", "It rains. 3.5 is a number"),
                Arguments.of("length_constraints:number_paragraphs", "{\"num_paragraphs\":3}",
                        "First.\n***\nSecond.\n***\nThird.\n***\n", "First.\n***\n***\nSecond.\n***\nThird."),
                Arguments.of("length_constraints:nth_paragraph_first_word",
                        "{\"num_paragraphs\":2,\"nth_paragraph\":2,\"first_word\":\"Then\"}",
                        "First we wait.\n\n\"Then, we go.", "First we wait.\n\nNow we go."),
                Arguments.of("keywords:existence", "{\"keywords\":[\"whale\",\"Sea\"]}",
                        "The WHALE swims in the sea.", "The whale swims in the seaside pool."),
                Arguments.of("keywords:frequency", "{\"keyword\":\"cat\",\"relation\":\"at least\",\"frequency\":2}",
                        "Cat and cat.", "Cat and catalogue."),
                Arguments.of("keywords:frequency", "{\"keyword\":\"cat\",\"relation\":\"less than\",\"frequency\":2}",
                        "A cat in a catalogue.", "cat, CAT"),
                Arguments.of("keywords:forbidden_words", "{\"forbidden_words\":[\"bad\",\"ugly\"]}",
                        "Good and badge.", "Good and Bad."),
                Arguments.of("keywords:letter_frequency", "{\"letter\":\"z\",\"let_relation\":\"at least\",\"let_frequency\":3}",
                        "Zig zag zoo", "Zig zag"),
                Arguments.of("change_case:english_lowercase", "{}", "all lower, 42 too.", "all lower but One"),
                Arguments.of("change_case:english_capital", "{}", "ALL CAPS, 42!", "ALL CAPS bUT"),
                Arguments.of("change_case:capital_word_frequency", "{\"capital_relation\":\"less than\",\"capital_frequency\":2}",
                        "ONE capital word, and 42 is no word in capitals", "TWO CAPITAL words"),
                Arguments.of("detectable_format:json_format", "{}", "```json\n{\"a\": [1, 2]}\n```", "{\"a\": [1, 2]} and more"),
                Arguments.of("detectable_format:json_format", "{}", " [1, 2, 3] ", "Here: {\"a\": 1}"),
                Arguments.of("detectable_format:number_bullet_lists", "{\"num_bullets\":3}",
                        "Intro\n* one\n* two\n- three\n**not a bullet**", "* one\n* two"),
                Arguments.of("detectable_format:number_highlighted_sections", "{\"num_highlights\":2}",
                        "*one* and **two**", "*one* and ** ** and *\nnot*"),
                Arguments.of("detectable_format:multiple_sections", "{\"section_spliter\":\"SECTION\",\"num_sections\":2}",
                        "SECTION 1\nhello\nSECTION 2\nworld", "SECTION 1\nhello\nSECTION two"),
                Arguments.of("detectable_format:title", "{}", "<<A Title>>\nbody", "<< >> no title, <not one>"),
                Arguments.of("detectable_format:constrained_response", "{}", "My answer is maybe.", "My answer is perhaps."),
                Arguments.of("detectable_content:number_placeholders", "{\"num_placeholders\":2}",
                        "Send it to [name] at [address].", "Send it to [name]."),
                Arguments.of("detectable_content:postscript", "{\"postscript_marker\":\"P.S.\"}",
                        "Dear all.\np. s. see you", "Dear all. P.S. inline is not a postscript line"),
                Arguments.of("detectable_content:postscript", "{\"postscript_marker\":\"P.P.S\"}",
                        "Body\nP.P.S more", "Body\nP.S. only one"),
                Arguments.of("combination:two_responses", "{}", "Answer one.\n******\nAnswer two.", "Same.\n******\nSame."),
                Arguments.of("combination:repeat_prompt", "{\"prompt_to_repeat\":\"Write a poem.\"}",
                        "write a poem. Roses are red.", "Roses are red. Write a poem."),
                Arguments.of("startend:end_checker", "{\"end_phrase\":\"Any other questions?\"}",
                        "That is all. Any other questions?  \n", "Any other questions? That is all."),
                Arguments.of("startend:start_checker", "{\"start_phrase\":\"Dear team\"}",
                        "  dear team, hello", "Hello dear team"),
                Arguments.of("startend:quotation", "{}", "\"quoted answer\"", "\"half quoted"),
                Arguments.of("punctuation:no_comma", "{}", "No commas here.", "One, comma."));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void checkerPassesAndFails(String id, String kwargs, String follows, String doesNot) throws Exception {
        Instruction i = Instructions.create(id, JSON.readTree(kwargs));
        assertThat(i.followedBy(follows)).as("follows: %s", follows).isTrue();
        assertThat(i.followedBy(doesNot)).as("does not follow: %s", doesNot).isFalse();
        TESTED.add(id);
    }

    @AfterAll
    static void everyCheckerIsTested() {
        if (!TESTED.isEmpty()) {   // not when a single case was selected
            assertThat(TESTED).containsExactlyInAnyOrderElementsOf(Instructions.supported().keySet());
        }
    }

    @Test
    void atLeastTenCheckers() {
        assertThat(Instructions.supported()).hasSizeGreaterThanOrEqualTo(10);
    }

    @Test
    void badKwargsNameTheInstructionAndTheArgument() throws Exception {
        assertThatThrownBy(() -> Instructions.create("length_constraints:number_words", JSON.readTree("{\"relation\":\"about\",\"num_words\":3}")))
                .isInstanceOf(NemotronException.class)
                .hasMessage("ifeval instruction 'length_constraints:number_words': kwarg relation: expected 'less than' or 'at least', got 'about'");
        assertThatThrownBy(() -> Instructions.create("length_constraints:number_words", JSON.readTree("{\"relation\":\"at least\"}")))
                .hasMessage("ifeval instruction 'length_constraints:number_words': missing kwarg num_words");
        assertThatThrownBy(() -> Instructions.create("detectable_format:number_bullet_lists", JSON.readTree("{\"num_bullets\":1e12}")))
                .hasMessageContaining("kwarg num_bullets: expected a whole number");
        assertThatThrownBy(() -> Instructions.create("detectable_format:number_bullet_lists", JSON.readTree("{\"num_bullets\":99999999}")))
                .hasMessageContaining("kwarg num_bullets: must be in [0, 100000], got 99999999");
        assertThatThrownBy(() -> Instructions.create("punctuation:no_comma", JSON.readTree("{\"comma\":1}")))
                .hasMessage("ifeval instruction 'punctuation:no_comma': unknown kwarg(s) comma (known: )");
        assertThatThrownBy(() -> Instructions.create("keywords:existance", null))
                .hasMessageStartingWith("ifeval: unknown instruction 'keywords:existance'; did you mean 'keywords:existence'");
        assertThatThrownBy(() -> Instructions.create("keywords:letter_frequency",
                JSON.readTree("{\"letter\":\"ab\",\"let_relation\":\"at least\",\"let_frequency\":1}")))
                .hasMessageContaining("kwarg letter: expected one letter, got 'ab'");
    }

    @Test
    void nullKwargsAsInThePublishedDataSetAreIgnored() throws Exception {
        JsonNode kw = JSON.readTree("{\"num_bullets\":2,\"relation\":null,\"keywords\":null}");
        assertThat(Instructions.create("detectable_format:number_bullet_lists", kw).followedBy("* a\n* b")).isTrue();
        assertThat(Instructions.create("punctuation:no_comma", JSON.readTree("{\"relation\":null}")).followedBy("a")).isTrue();
    }

    @Test
    void hostileAnswersAreJudgedNotThrown() throws Exception {
        String deep = "[".repeat(200_000) + "]".repeat(200_000);
        assertThat(Instructions.create("detectable_format:json_format", null).followedBy(deep)).isFalse();
        String flood = "*".repeat(1_000_000) + "\n" + "a. ".repeat(300_000);
        for (String id : List.of("detectable_format:number_highlighted_sections", "detectable_format:number_bullet_lists",
                "length_constraints:number_sentences", "detectable_content:postscript")) {
            Instruction i = Instructions.create(id, JSON.readTree(switch (id) {
                case "detectable_format:number_highlighted_sections" -> "{\"num_highlights\":1}";
                case "detectable_format:number_bullet_lists" -> "{\"num_bullets\":1}";
                case "length_constraints:number_sentences" -> "{\"relation\":\"at least\",\"num_sentences\":1}";
                default -> "{\"postscript_marker\":\"P.S.\"}";
            }));
            i.followedBy(flood);   // any verdict, but no exception and no stack overflow
        }
    }
}
