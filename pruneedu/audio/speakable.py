"""Lesson Markdown turned into the words a voice should say.

Text-to-speech engines read what they are given: ``|w| > tau`` comes out as "bar w bar greater
than tau" at best, ``266,610`` differently in each engine, and a code span letter by letter. This
module writes every such thing out in words once, so all voices say the same words, the manifest
records exactly those words, and the intelligibility benchmark compares a transcript against
them. Pure Python, no engine needed: the staleness test runs it on every ``make test``.
"""

from __future__ import annotations

import re

# Words an engine mispronounces or spells out; the course's own terms first. Whole words only,
# case-sensitive, longest first so "LeNet-300-100" wins over "LeNet".
PRONUNCIATIONS: dict[str, str] = {
    "LeNet-300-100": "Lee-Net 300, 100",
    "LeNet-5": "Lee-Net 5",
    "LeNet": "Lee-Net",
    "lenet": "Lee-Net",
    "LLaMA": "Llama",
    "NVIDIA": "en-vidia",
    "SparseGPT": "Sparse G P T",
    "GPT": "G P T",
    "CSR": "C S R",
    "LLM": "L L M",
    "LLMs": "L L Ms",
    "l1": "L one",
    "L1": "L one",
    "L2": "L two",
    "MNIST": "em-nist",
    "MACs": "macks",
    "MAC": "mack",
    "FLOPs": "flops",
    "FLOPS": "flops",
    "IoT": "I O T",
    "GPU": "G P U",
    "GPUs": "G P Us",
    "CPU": "C P U",
    "CPUs": "C P Us",
    "CNN": "C N N",
    "CNNs": "C N Ns",
    "RAM": "ram",
    "PyTorch": "Pie-Torch",
    "PyTorch's": "Pie-Torch's",
    "TensorFlow": "Tensor Flow",
    "ReLU": "relu",
    "SM-2": "S M 2",
    "TP": "true positives",
    "FP": "false positives",
    "FN": "false negatives",
    "TN": "true negatives",
    "int8": "int 8",
    "float32": "float 32",
    "float16": "float 16",
    "conv1": "conv 1",
    "conv2": "conv 2",
    "fc1": "F C 1",
    "fc2": "F C 2",
    "fc3": "F C 3",
    "et al.": "and colleagues",
    "e.g.": "for example",
    "i.e.": "that is",
    "vs.": "versus",
    "vs": "versus",
    "etc.": "and so on",
    "approx.": "about",
    "Delta": "delta",
    "tau": "tow",
}
_SPOKEN_FRACTIONS = {2: "half", 3: "third", 4: "quarter", 5: "fifth", 6: "sixth", 8: "eighth",
                     10: "tenth", 100: "hundredth", 1000: "thousandth"}
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
         "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ((10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_POWERS = {"2": "squared", "3": "cubed"}

_WORD = re.compile(r"[A-Za-z]")


def number_words(number: int) -> str:
    """An integer in words, the way a person says it.

    Example:
        >>> number_words(266610)
        'two hundred sixty-six thousand six hundred ten'
    """
    if number < 0:
        return "minus " + number_words(-number)
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {number_words(rest)}" if rest else "")
    for scale, name in _SCALES:
        if number >= scale:
            high, rest = divmod(number, scale)
            return f"{number_words(high)} {name}" + (f" {number_words(rest)}" if rest else "")
    raise AssertionError("unreachable")


def year_words(year: int) -> str:
    """A year as people say it: 2015 -> "twenty fifteen", 2000 -> "two thousand".

    Example:
        >>> year_words(1998)
        'nineteen ninety-eight'
    """
    high, low = divmod(year, 100)
    if low == 0:
        return number_words(year) if high % 10 == 0 else f"{number_words(high)} hundred"
    if high == 20 and low < 10:
        return number_words(year)
    return f"{number_words(high)} {'oh ' if low < 10 else ''}{number_words(low)}"


def _decimal_words(text: str) -> str:
    whole, _, fraction = text.partition(".")
    spoken = number_words(int(whole or "0"))
    if fraction:
        spoken += " point " + " ".join(_ONES[int(digit)] for digit in fraction)
    return spoken


def _fraction_words(numerator: int, denominator: int) -> str:
    name = _SPOKEN_FRACTIONS.get(denominator)
    if name is None:
        return f"{number_words(numerator)} over {number_words(denominator)}"
    if numerator != 1:
        name = "halves" if name == "half" else name + "s"
    return f"{number_words(numerator)} {name}"


def _code_span(match: re.Match) -> str:
    code = match.group(1).strip().strip("\"'")
    code = re.sub(r"\(.*\)$", "", code)  # a call is named, its arguments are not read out
    code = code.replace(" = ", " equals ")  # an equation; a keyword argument is just named
    code = re.sub(r"\s*=\s*", " ", code)
    code = code.replace("\"", "").replace("'", "")
    code = re.sub(r"(?<=[a-z])\.(?=[a-z_])", " dot ", code)
    return code.replace("_", " ").replace("-", " ")


def _strip_markdown(text: str) -> str:
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)  # images: their alt text
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links: their text
    text = re.sub(r"(?:^ {4}.*\S.*$\n?)+", _block, text, flags=re.MULTILINE)
    text = re.sub(r"`([^`]+)`", _code_span, text)
    text = re.sub(r"\*\*|__", "", text)
    text = re.sub(r"(?<![\w*])[*_](?=\S)([^*_\n]+?)(?<=\S)[*_](?![\w*])", r"\1", text)
    text = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", text, flags=re.MULTILINE)  # list markers
    text = re.sub(r"^#+\s*", "", text, flags=re.MULTILINE)
    text = re.sub(r"<[^>]+>", " ", text)
    return (text.replace("&nbsp;", " ").replace("&amp;", "&").replace("&lt;", "<")
            .replace("&gt;", ">"))


_NUMBER = r"\d[\d,]*(?:\.\d+)?"


def _products(match: re.Match) -> str:
    """A chain "a x b x c": "by" for a shape (28 x 28 image), "times" in arithmetic."""
    chain, rest = match.group(1), match.group(2)
    arithmetic = "." in chain or re.match(r"[^.;\n]*=", rest) is not None
    return re.sub(r"\s+x\s+", " times " if arithmetic else " by ", chain) + rest


def _math(text: str) -> str:
    text = re.sub(r"\|([^|\s][^|]*)\|", r"the absolute value of \1", text)
    text = re.sub(r"\s*(?:->|→)\s*", " to ", text)
    text = re.sub(r"\^\s*\(?([0-9A-Za-z]+)\)?",
                  lambda m: " " + _POWERS.get(m.group(1), f"to the power {m.group(1)}"), text)
    text = re.sub(r"\b([A-Za-z])_\{([^}]*)\}", r"\1 \2", text)  # W_{l+1} -> W l+1
    text = re.sub(r"\b([A-Za-z])_([A-Za-z0-9]+)", r"\1 \2", text)  # s_i -> s i
    text = re.sub(r"\b\d+(?:-\d+){2,}\b", lambda m: ", ".join(m.group(0).split("-")), text)
    text = re.sub(rf"(?<![\d.])({_NUMBER})-({_NUMBER})(?=x\b|\s*%|[\s,.;:)]|$)",
                  r"\1 to \2", text)  # a range: 10-20%, 0.98-0.99x, seeds 0-2
    text = re.sub(r"(?<![\w.])-(?=\d)", "minus ", text)  # a negative number: -3.8
    text = re.sub(r"\b(\d+):(\d+)\b", r"\1 to \2", text)  # a ratio: 2:4 sparsity
    text = re.sub(r"\b([A-Za-z]{2,})(\d+)\b", r"\1 \2", text)  # Conv1, layer3
    text = re.sub(rf"({_NUMBER}(?:\s+x\s+{_NUMBER})+)(.*)", _products, text)
    text = re.sub(r"(?<=[\w)]) x (?=[\w(])", " times ", text)
    text = re.sub(r"(?<![\d,.])(\d+)/(\d+)(?![\d,]|\.\d)",
                  lambda m: _fraction_words(int(m.group(1)), int(m.group(2))), text)
    text = re.sub(r"\s+/\s+", " over ", text)
    text = re.sub(r"\s*[*×]\s*", " times ", text)
    text = re.sub(r"\s*(?:<=|≤)\s*", " is at most ", text)
    text = re.sub(r"\s*(?:>=|≥)\s*", " is at least ", text)
    text = re.sub(r"\s+<\s+", " is less than ", text)
    text = re.sub(r"\s+>\s+", " is greater than ", text)
    text = re.sub(r"\s*(?:~=|≈)\s*", " is about ", text)
    text = re.sub(r"\s+=\s+", " equals ", text)
    text = re.sub(r"\s*\+\s*", " plus ", text)
    text = re.sub(r"(\d|\b[A-Za-z]\b|\)) - (?=\(|\d|\b[A-Za-z]\b)", r"\1 minus ", text)
    return text


def _cells(line: str) -> list[str]:
    return [cell for cell in re.split(r"\s{2,}", line.strip()) if cell]


def _block(match: re.Match) -> str:
    """An indented block (formulas, or a small table) as sentences a listener can follow:
    a table is read row by row, each value after its column's heading."""
    rows = [_cells(line) for line in match.group(0).splitlines() if line.strip()]
    widths = {len(row) for row in rows}
    if len(rows) >= 2 and len(widths) == 1 and widths.pop() >= 3:
        header, *body = rows
        sentences = []
        for row in body:
            label = row[0] if re.search(r"[A-Za-z]", row[0]) else f"{header[0]} {row[0]}"
            values = "; ".join(f"{name}, {value}" for name, value in zip(header[1:], row[1:],
                                                                          strict=True))
            sentences.append(f"{label}: {values}.")
        return "\n" + " ".join(sentences) + "\n"
    sentences, pending = [], ""
    for cell in (cell for row in rows for cell in row):
        if cell.endswith(":"):  # a label: it introduces the next cell
            pending += cell + " "
            continue
        sentences.append(f"{pending}{cell.rstrip('.:')}.")
        pending = ""
    return "\n" + " ".join(sentences) + "\n"


def _numbers(text: str) -> str:
    text = re.sub(r"\b(\d+(?:\.\d+)?)x\b", r"\1 times", text)  # 12x fewer
    text = re.sub(r"\b(\d+(?:\.\d+)?)K\b", r"\1 thousand", text)  # 267K parameters
    text = re.sub(r"\b(\d+(?:\.\d+)?)M\b", r"\1 million", text)
    text = re.sub(r"\b(\d+(?:\.\d+)?)B\b", r"\1 B", text)  # a model's size: 7B
    text = re.sub(r"(\d)\s*%", r"\1 percent", text)
    text = re.sub(r"(?<![\d,.])\b(1[89]\d\d|20\d\d)\b(?![,.]\d)",
                  lambda m: year_words(int(m.group(1))), text)
    text = re.sub(r"\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b|\b\d+\.\d+\b|\b\d+\b",
                  lambda m: _decimal_words(m.group(0).replace(",", "")), text)
    return text


def _pronounce(text: str) -> str:
    for written in sorted(PRONUNCIATIONS, key=len, reverse=True):
        spoken = PRONUNCIATIONS[written]
        text = re.sub(rf"(?<![\w-]){re.escape(written)}(?!\w)", spoken, text)
    return text


def _punctuation(text: str) -> str:
    text = re.sub(r"\s*\(\s*", ", ", text)  # a parenthesis is heard as a short pause
    text = re.sub(r"\s*\)\s*", ", ", text)
    text = re.sub(r"\s+[-–—]+\s+|\s*—\s*", ", ", text)  # a dash between words: a pause too
    text = re.sub(r",\s*(?:\.\.\.|…)", ", and so on", text)  # 10%, 20%, ... in a list
    text = text.replace("&", " and ").replace("...", ",").replace("…", ",")
    text = re.sub(r"[\[\]{}\"“”]", "", text)
    text = text.replace("_", " ")  # an identifier outside a code span: weight_orig
    text = re.sub(r"\s*;\s*", "; ", text)
    text = re.sub(r",(\s*,)+", ",", text)
    text = re.sub(r",\s*([.:;?!])", r"\1", text)
    text = re.sub(r"([.:;?!])\s*,", r"\1", text)
    text = re.sub(r"\s+([,.;:?!])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip(" ,")


def speakable(markdown: str) -> str:
    """What a voice should say for a piece of lesson Markdown: markup removed, symbols, formulas,
    numbers and course terms written out in words.

    Example:
        >>> speakable("Keep 10% of **LeNet-5**: `metrics.sparsity(net)` = 0.9.")
        'Keep ten percent of Lee-Net five: metrics dot sparsity equals zero point nine.'
    """
    text = _strip_markdown(markdown)
    text = _pronounce(text)
    text = _math(text)
    text = _numbers(text)
    text = _punctuation(text)
    return text


def unspeakable_characters(text: str) -> set[str]:
    """Characters left in spoken text that an engine would read out oddly or skip.

    Example:
        >>> sorted(unspeakable_characters("a = b"))
        ['=']
    """
    return set(re.sub(r"[A-Za-z0-9 ,.;:?!'’-]", "", text))


def word_count(text: str) -> int:
    """Spoken words in a text (what speaking rates are measured in).

    Example:
        >>> word_count("Lee-Net three hundred, one hundred.")
        5
    """
    return sum(1 for token in text.split() if _WORD.search(token))
