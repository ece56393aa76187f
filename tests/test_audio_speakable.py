"""Lesson text to spoken words: numbers, formulas, code and course terms come out as a person
says them, and every line of every recording is free of symbols an engine would misread."""

import pytest

from pruneedu.audio.speakable import (
    number_words,
    speakable,
    unspeakable_characters,
    word_count,
    year_words,
)
from pruneedu.audio.tracks import course_tracks


@pytest.mark.parametrize("number, words", [
    (0, "zero"), (7, "seven"), (19, "nineteen"), (40, "forty"), (42, "forty-two"),
    (100, "one hundred"), (784, "seven hundred eighty-four"),
    (266610, "two hundred sixty-six thousand six hundred ten"),
    (1066440, "one million sixty-six thousand four hundred forty"),
])
def test_number_words(number, words):
    assert number_words(number) == words


@pytest.mark.parametrize("year, words", [
    (2015, "twenty fifteen"), (2000, "two thousand"), (2007, "two thousand seven"),
    (1998, "nineteen ninety-eight"), (1905, "nineteen oh five"), (1900, "nineteen hundred"),
])
def test_year_words(year, words):
    assert year_words(year) == words


@pytest.mark.parametrize("markdown, spoken", [
    ("Keep 10% of them.", "Keep ten percent of them."),
    ("From 1.64% to 1.59%.", "From one point six four percent to one point five nine percent."),
    ("It has 266,610 parameters.", "It has two hundred sixty-six thousand six hundred ten "
                                   "parameters."),
    ("Han et al. (2015) pruned it.", "Han and colleagues, twenty fifteen, pruned it."),
    ("about 1/3 of them, then 1/10.", "about one third of them, then one tenth."),
    ("12x fewer", "twelve times fewer"),
    ("from 267K to 22K", "from two hundred sixty-seven thousand to twenty-two thousand"),
    ("a 28 x 28 image", "a twenty-eight by twenty-eight image"),
    ("784 x 300 + 300 = 235,500", "seven hundred eighty-four times three hundred plus three "
                                  "hundred equals two hundred thirty-five thousand five hundred"),
    ("M = 1 where |w| > tau", "M equals one where the absolute value of w is greater than tow"),
    ("1 / (1 - s)", "one over, one minus s"),
    ("784 -> 300 -> 10", "seven hundred eighty-four to three hundred to ten"),
    ("(1 - 0.5)^3", "one minus zero point five, cubed"),
    ("s_t and W_{l+1}", "s t and W l plus one"),
    ("`pruning.prune_weights(net, amount=0.9)`", "pruning dot prune weights"),
    ("`storage=\"dense\"`", "storage dense"),
    ("**Bold** and *emphasis* and [a link](https://example.org)", "Bold and emphasis and a link"),
    ("LeNet-300-100 on MNIST", "Lee-Net three hundred, one hundred on em-nist"),
    ("a - b", "a minus b"),
    ("memory - bytes in the file - matters", "memory, bytes in the file, matters"),
    ("10-20% of the weights", "ten to twenty percent of the weights"),
    ("a weaker processor... and fast", "a weaker processor, and fast"),
    ("0.29 x 100 is 28.999", "zero point two nine times one hundred is twenty-eight point nine "
                             "nine nine"),
    ("266,200 / 2 = 133,100 x 4 bytes = 532,400 bytes", "two hundred sixty-six thousand two "
     "hundred over two equals one hundred thirty-three thousand one hundred times four bytes "
     "equals five hundred thirty-two thousand four hundred bytes"),
    ("20 filters of 1 x 5 x 5", "twenty filters of one by five by five"),
    ("0.98-0.99x, 94.0-94.1%, seeds 0-2", "zero point nine eight to zero point nine nine times, "
                                          "ninety-four point zero to ninety-four point one "
                                          "percent, seeds zero to two"),
    ("a gap of -3.8", "a gap of minus three point eight"),
    ("the 2:4 mask in Conv1", "the two to four mask in Conv one"),
    ("`weight = weight_orig * weight_mask`", "weight equals weight orig times weight mask"),
    ("say 10%, 20%, ... of it", "say ten percent, twenty percent, and so on of it"),
    ("layers 784-300-100-10", "layers seven hundred eighty-four, three hundred, one hundred, ten"),
])
def test_speakable(markdown, spoken):
    assert speakable(markdown) == spoken


def test_formula_lines_become_sentences():
    block = "Counts:\n\n    fc1: 784 x 300 = 235,200    fc2: 300 x 100 = 30,000\n"
    assert speakable(block) == ("Counts: F C one: seven hundred eighty-four times three hundred "
                                "equals two hundred thirty-five thousand two hundred. F C two: "
                                "three hundred times one hundred equals thirty thousand.")


def test_a_table_is_read_row_by_row_under_its_headings():
    table = ("    sparsity   budget     one-shot\n"
             "    95%        10 epochs  94.2%\n"
             "    99%        1 epoch    86.9%\n")
    assert speakable(table) == ("sparsity ninety-five percent: budget, ten epochs; one-shot, "
                                "ninety-four point two percent. sparsity ninety-nine percent: "
                                "budget, one epoch; one-shot, eighty-six point nine percent.")


def test_word_count_counts_hyphenated_numbers_as_one_word():
    assert word_count("twenty-six thousand, and so on.") == 5


def test_unspeakable_characters_flags_symbols_left_in_text():
    assert unspeakable_characters("x = y + z") == {"=", "+"}
    assert unspeakable_characters("Plain words, twice.") == set()


def test_every_recorded_line_is_plain_words():
    # A symbol left here is read out oddly or skipped; fix the lesson text or speakable().
    leftovers = {}
    for track in course_tracks():
        for speaker, text in track.lines:
            bad = unspeakable_characters(text)
            if bad:
                leftovers[f"{track.id} {speaker}: {text[:60]}"] = sorted(bad)
    assert leftovers == {}
