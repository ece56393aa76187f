"""Lesson texts and pruneedu.lessons: structure, depth switching, originality, quoted numbers."""

from __future__ import annotations

import argparse
import re
from itertools import pairwise
from pathlib import Path

import pytest
import yaml

from pruneedu import lessons, paths

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
SECTIONS = (
    "Summary: Basic", "Summary: Medium", "Summary: Detailed", "Key concepts",
    "Real-world examples", "Memory aids", "Dialogue", "FAQ", "Glossary",
)

# The term ids agreed for quizzes/glossary.yaml; used only while that file does not exist yet.
AGREED_GLOSSARY_IDS = {
    "pruning", "model-optimization", "inference", "edge-device", "latency", "mask", "sparsity",
    "compression-ratio", "magnitude-pruning", "fine-tuning", "weight-pruning", "node-pruning",
    "structured-pruning", "global-pruning", "layer-wise-pruning", "sparse-format",
    "iterative-pruning", "sensitivity-analysis", "quantization", "precision", "recall",
    "lottery-ticket",
}


def lesson_texts() -> dict[str, str]:
    folder = REPO / "lessons"
    return {i: (folder / f"{i}.md").read_text(encoding="utf-8") for i in lessons.LESSON_IDS}


def test_lesson_ids_match_the_files_in_lessons_folder():
    on_disk = sorted(p.stem for p in (REPO / "lessons").glob("*.md"))
    assert on_disk == list(lessons.LESSON_IDS)
    assert paths.lessons_dir() == REPO / "lessons"


@pytest.mark.parametrize("number, lesson_id", list(enumerate(lessons.LESSON_IDS, start=1)))
def test_every_lesson_loads_with_all_sections(number, lesson_id):
    lesson = lessons.load_lesson(lesson_id)
    assert lesson.id == lesson_id
    assert lesson.title.startswith(f"Lesson {number} - ")
    for heading in SECTIONS:
        assert len(lesson.sections[heading].split()) >= 30, f"{lesson_id}: '{heading}' is thin"


@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_summaries_differ_and_grow_with_depth(lesson_id):
    lesson = lessons.load_lesson(lesson_id)
    basic, medium, detailed = (lesson.summary(d) for d in ("basic", "medium", "detailed"))
    assert len(basic.split()) < len(medium.split()) < len(detailed.split())
    assert len({basic, medium, detailed}) == 3
    # The brief asks for a 2-3 sentence plain-language basic summary.
    sentences = re.findall(r"[.!?](?:\s|$)", basic)
    assert 2 <= len(sentences) <= 3, basic


@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_dialogue_segments_hold_every_turn_of_the_known_speakers(lesson_id):
    lesson = lessons.load_lesson(lesson_id)
    segments = lesson.dialogue_segments()
    assert len(segments) >= 2
    turns = [turn for segment in segments for turn in segment.turns]
    assert lesson.dialogue() == turns
    assert {speaker for speaker, _ in turns} <= set(lessons.SPEAKERS)
    # Every paragraph of the section is a heading or a turn, so none is silently dropped.
    paragraphs = [p for p in lesson.sections["Dialogue"].split("\n\n") if p.strip()]
    assert len(paragraphs) == len(turns) + len(segments)
    student_questions = [text for speaker, text in turns if speaker != "Teacher" and "?" in text]
    assert len(student_questions) >= 4


@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_key_concepts_are_bold_term_dash_explanation(lesson_id):
    body = lessons.load_lesson(lesson_id).sections["Key concepts"]
    bullets = [line for line in body.splitlines() if line.startswith("- ")]
    assert len(bullets) >= 8
    for line in bullets:
        assert re.match(r"^- \*\*[^*]+\*\* - \S", line), line


def glossary_ids() -> set[str]:
    glossary = REPO / "quizzes" / "glossary.yaml"
    if not glossary.is_file():
        return AGREED_GLOSSARY_IDS
    return {term["id"] for term in yaml.safe_load(glossary.read_text(encoding="utf-8"))["terms"]}


@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_glossary_pointers_name_existing_terms(lesson_id):
    ids = lessons.load_lesson(lesson_id).glossary_ids()
    assert len(ids) >= 5
    missing = sorted(set(ids) - glossary_ids())
    assert not missing, f"{lesson_id} points to glossary ids that do not exist: {missing}"


def test_every_glossary_term_is_listed_by_the_lesson_that_teaches_it():
    glossary = REPO / "quizzes" / "glossary.yaml"
    if not glossary.is_file():
        pytest.skip(f"GLOSSARY NOT FOUND at {glossary}: the reverse pointers are not checked")
    terms = yaml.safe_load(glossary.read_text(encoding="utf-8"))["terms"]
    for lesson_id in lessons.LESSON_IDS:
        listed = set(lessons.load_lesson(lesson_id).glossary_ids())
        owned = {t["id"] for t in terms if t.get("lesson") == lesson_id}
        assert owned <= listed, f"{lesson_id} does not list {sorted(owned - listed)}"


def test_the_big_terms_are_each_taught_somewhere():
    taught = {i for lid in lessons.LESSON_IDS for i in lessons.load_lesson(lid).glossary_ids()}
    for term in ("sparsity", "mask", "weight-pruning", "node-pruning", "structured-pruning",
                 "fine-tuning", "quantization", "latency", "edge-device", "compression-ratio",
                 "iterative-pruning", "lottery-ticket", "global-pruning", "precision", "recall"):
        assert term in taught


# Concepts of the three syllabus texts, each with words that must appear in the named lesson.
SYLLABUS_CHECKLIST = {
    "01-introduction": [
        "edge device", "inference", "latency", "memory", "energy", "battery", "model optimization",
        "model complexity", "train", "fine-tune", "drone", "phone", "iot", "segmentation",
        "tracking", "translation", "recommendation", "medical", "driver-assistance",
        "training", "gardener", "sculptor",
    ],
    "02-weight-vs-node": [
        "weight pruning", "node pruning", "neuron", "structured pruning", "channel", "filter",
        "blocks", "layers", "combine", "measuring", "connections",
    ],
    "03-challenges": [
        "balance", "quantization", "inference time", "precision", "recall", "sensitivity",
        "magnitude", "sound model", "seeds", "lottery", "gradual", "baseline", "regularization",
        "before training", "during training", "after training",
    ],
}


@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_each_syllabus_concept_lands_in_its_lesson(lesson_id):
    text = lesson_texts()[lesson_id].lower()
    missing = [word for word in SYLLABUS_CHECKLIST[lesson_id] if word not in text]
    assert not missing, f"{lesson_id} does not mention {missing}"


def test_the_misconceptions_are_taken_apart():
    text = " ".join(lesson_texts().values()).lower()
    for phrase in ("90% sparse but no faster", "the file is not smaller", "shapes did not change",
                   "were not zero any more", "sparsity is *not* the\ncompression ratio",
                   "get in each other's way"):
        assert " ".join(phrase.split()) in " ".join(text.split()), phrase


def word_runs(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def test_no_eight_word_run_is_shared_with_the_syllabus():
    syllabus = SHARED / "syllabus"
    if not syllabus.is_dir():
        pytest.skip(f"SYLLABUS TEXTS NOT FOUND at {syllabus}: originality not checked here")
    source = set().union(*(word_runs(f.read_text(encoding="utf-8"))
                           for f in sorted(syllabus.glob("*.txt"))))
    assert source, "the syllabus folder holds no text"
    for lesson_id, text in lesson_texts().items():
        shared = sorted(" ".join(run) for run in word_runs(text) & source)
        assert not shared, f"{lesson_id} copies the syllabus: {shared}"


def test_word_runs_catches_a_copied_run():
    # The originality check must be able to fail: the same 8 words in other case and punctuation.
    original = "Pruning is a technique used to remove or set weights."
    assert word_runs("PRUNING is a technique, used to remove or set!") & word_runs(original)


# Figures quoted from REFERENCES.md (papers named in the lessons).
REFERENCE_FIGURES = {
    "1.64%", "1.59%", "12x", "6x", "8%", "9%", "26%", "66%", "15.6%", "20%", "10%", "21%",
    "38%", "3.6%", "97.86%", "98.24%", "6.5x", "2x", "50%", "90%", "95%", "98%", "10x",
    "20x", "50x",
}


def fc_params(sizes: list[int]) -> list[int]:
    return [a * b + b for a, b in pairwise(sizes)]


def arithmetic_figures() -> set[str]:
    """Numbers the lessons derive from the two architectures and from 1 / (1 - s)."""
    lenet300 = fc_params([784, 300, 100, 10])
    halved = fc_params([784, 150, 50, 10])
    total = sum(lenet300)
    weights = 784 * 300 + 300 * 100 + 100 * 10
    biases = total - weights
    # Sparsity counts weights only (metrics.sparsity); biases are never pruned.
    nonzero = round(weights * 0.1)
    sparse_bytes = nonzero * 8 + biases * 4  # 4-byte value + 4-byte index; dense biases
    conv1_macs, conv2_macs = 24 * 24 * 20 * 25, 8 * 8 * 50 * 20 * 25
    values = [*lenet300, total, sum(halved), weights,
              weights - nonzero, nonzero, total * 4, sparse_bytes, 50 * 25, 20 * 50 * 25,
              800 * 500, conv1_macs, conv2_macs]
    figures = {f"{v:,}" for v in values}
    figures.add(f"{round(total * 4 / sparse_bytes)}x")  # dense bytes / sparse bytes with indices
    figures.add("4x")  # float32 (4 bytes) to int8 (1 byte)
    figures |= {f"{round(100 - s)}%" for s in (90, 95, 98)}  # the fraction kept
    return figures


def test_arithmetic_figures_are_what_the_lessons_claim():
    # Cross-check the helper against the parameter counts the models module documents.
    figures = arithmetic_figures()
    assert {"266,610", "125,810", "1,066,440", "214,600", "5x", "239,580", "26,620"} <= figures


def test_reference_figures_stand_in_references_md():
    references = SHARED / "REFERENCES.md"
    if not references.is_file():
        pytest.skip(f"REFERENCES.md NOT FOUND at {references}: figure sources not checked here")
    text = references.read_text(encoding="utf-8")
    # A range such as "97.86–98.24%" carries the unit only once, at its end.
    missing = [
        f for f in REFERENCE_FIGURES
        if not re.search(rf"(?<![\d.]){re.escape(f[:-1])}(?:{re.escape(f[-1])}|–)", text)
    ]
    assert not missing


NUMBER = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?x\b|\d+(?:\.\d+)?%)")


@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_quoted_numbers_come_from_references_or_arithmetic(lesson_id):
    allowed = REFERENCE_FIGURES | arithmetic_figures()
    found = set(NUMBER.findall(lesson_texts()[lesson_id]))
    assert found, "the pattern should find figures in every lesson"
    assert not sorted(found - allowed), f"{lesson_id} quotes unsourced numbers"


def test_number_pattern_finds_the_three_kinds():
    assert NUMBER.findall("266,610 weights, 12x fewer, 3.6% left, 784 x 300") == [
        "266,610", "12x", "3.6%"]


def test_unknown_lesson_or_depth_lists_the_valid_ones():
    with pytest.raises(ValueError, match="01-introduction, 02-weight-vs-node, 03-challenges"):
        lessons.load_lesson("04-nope")
    lesson = lessons.load_lesson("01-introduction")
    with pytest.raises(ValueError, match="basic, medium, detailed"):
        lesson.summary("expert")
    with pytest.raises(ValueError, match="basic, medium, detailed"):
        lessons.render_text("01-introduction", "Basic")
    with pytest.raises(ValueError, match="basic, medium, detailed"):
        lessons.show("01-introduction", depth="deep")


def write_course(root: Path, text: str) -> Path:
    folder = root / "lessons"
    folder.mkdir(parents=True)
    path = folder / "01-introduction.md"
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL_BODIES = {
    "Dialogue": "### Opening\n\n**Teacher:** Ready?\n\n**Priya:** Yes.",
    "FAQ": "### Is this a question?\n\nIt is.",
}


def minimal_lesson(skip: str = "") -> str:
    parts = ["# Lesson 1 - Test"]
    parts += [f"## {h}\n\n{MINIMAL_BODIES.get(h, f'**Idea.** Text for {h}.')}"
              for h in SECTIONS if h != skip]
    return "\n\n".join(parts) + "\n"


def test_missing_section_names_file_and_section(tmp_path, monkeypatch):
    path = write_course(tmp_path, minimal_lesson(skip="Memory aids"))
    monkeypatch.setenv("PRUNEEDU_COURSE_ROOT", str(tmp_path))
    with pytest.raises(ValueError) as error:
        lessons.load_lesson("01-introduction")
    assert str(path) in str(error.value) and "## Memory aids" in str(error.value)


def test_a_minimal_complete_lesson_loads_from_the_course_root(tmp_path, monkeypatch):
    write_course(tmp_path, minimal_lesson())
    monkeypatch.setenv("PRUNEEDU_COURSE_ROOT", str(tmp_path))
    lesson = lessons.load_lesson("01-introduction")
    assert lesson.title == "Lesson 1 - Test"
    assert lesson.summary("medium") == "**Idea.** Text for Summary: Medium."
    assert list(lesson.sections) == list(SECTIONS)


def test_missing_file_and_duplicate_section_are_clear_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("PRUNEEDU_COURSE_ROOT", str(tmp_path))
    with pytest.raises(ValueError, match="missing; set PRUNEEDU_COURSE_ROOT"):
        lessons.load_lesson("01-introduction")
    write_course(tmp_path, minimal_lesson() + "\n## Dialogue\n\n### Again\n\n**Tom:** Hi.\n")
    with pytest.raises(ValueError, match="two '## Dialogue' sections"):
        lessons.load_lesson("01-introduction")


def test_headings_inside_code_fences_are_not_sections():
    text = minimal_lesson().replace("**Idea.** Text for Glossary.", "```\n## Not a heading\n```")
    lesson = lessons.parse_lesson("x", text)
    assert "Not a heading" not in lesson.sections
    assert "## Not a heading" in lesson.sections["Glossary"]


def test_render_text_shows_one_summary_and_the_other_sections():
    text = lessons.render_text("01-introduction", "medium")
    lines = text.splitlines()
    assert lines[0] == "Lesson 1 - Introduction to pruning"
    assert "Summary: Medium" in lines and "Summary: Basic" not in lines
    assert "Summary: Detailed" not in lines
    for heading in ("Key concepts", "Dialogue", "Glossary"):
        assert heading in lines
    assert "**" not in text and "Teacher: " in text


def test_terminal_subcommand_prints_the_chosen_depth(capsys):
    parser = argparse.ArgumentParser(prog="pruneedu lesson")
    lessons.add_arguments(parser)
    assert lessons.run(parser.parse_args(["03-challenges", "--depth", "detailed"])) == 0
    out = capsys.readouterr().out
    assert "Summary: Detailed" in out and "Zhu & Gupta (2017)" in out
    with pytest.raises(SystemExit):
        parser.parse_args(["99-unknown"])


def test_terminal_prints_one_section_on_request(capsys):
    parser = argparse.ArgumentParser(prog="pruneedu lesson")
    lessons.add_arguments(parser)
    assert lessons.run(parser.parse_args(["01-introduction", "--section", "faq"])) == 0
    out = capsys.readouterr().out
    faq = lessons.load_lesson("01-introduction").faq()
    assert out.splitlines()[3] == "FAQ"
    assert all(entry.question in out for entry in faq)
    assert "Summary: Basic" not in out and "Dialogue" not in out
    with pytest.raises(SystemExit):
        parser.parse_args(["01-introduction", "--section", "everything"])
    with pytest.raises(ValueError, match="choose one of: summary, concepts"):
        lessons.render_text("01-introduction", section="nope")


def test_terminal_glossary_shows_definitions_without_markup():
    text = lessons.render_text("01-introduction", section="glossary")
    assert "- Mask - A tensor of 0s and 1s" in text
    assert "Example: " in text and "*" not in text and "`" not in text


def test_terminal_strips_control_characters(tmp_path, monkeypatch):
    write_course(tmp_path, minimal_lesson().replace("Text for Key concepts.",
                                                    "Bell\x07 and \x1b[31mred\x1b[0m."))
    monkeypatch.setenv("PRUNEEDU_COURSE_ROOT", str(tmp_path))
    text = lessons.render_text("01-introduction", section="concepts")
    assert "Bell and [31mred[0m." in text and "\x1b" not in text and "\x07" not in text


@pytest.mark.parametrize("section, body, message", [
    ("Dialogue", "**Teacher:** Hi.", "text before its first '### ' segment heading"),
    ("Dialogue", "### Start\n\n**Student:** Hi.", "unknown speaker 'Student'"),
    ("Dialogue", "### Start\n\nTeacher: Hi.", "is not a turn; write it as '**Speaker:** text'"),
    ("Dialogue", "### Start\n\n### Next\n\n**Tom:** Hi.", "the segment 'Start' is empty"),
    ("FAQ", "Why?\n\nBecause.", "text before its first '### ' question heading"),
    ("FAQ", "### Why?", "the question 'Why?' is empty"),
    ("Summary: Medium", "No title here.", "has no bold title; start it with '**Title.** '"),
])
def test_format_slips_are_named_on_load(section, body, message):
    text = minimal_lesson().replace(
        f"## {section}\n\n{MINIMAL_BODIES.get(section, f'**Idea.** Text for {section}.')}",
        f"## {section}\n\n{body}")
    with pytest.raises(ValueError, match=re.escape(message)) as error:
        lessons.parse_lesson("x", text, source="lessons/x.md")
    assert f"lessons/x.md '## {section}'" in str(error.value)


def test_segments_turns_faq_and_chapters_parse_from_markdown():
    text = minimal_lesson().replace(MINIMAL_BODIES["Dialogue"], (
        "### Why prune\n\n**Teacher:** Why?\n\n**Maya:** To save\nmemory.\n"
        "### How\n**Leo:** How?\n\n**Teacher:** Carefully. To sum up: carefully.")).replace(
        "**Idea.** Text for Summary: Detailed.",
        "**First idea.** One.\n\n    y = W x\n\n**Second.** Two, with *stars*.")
    lesson = lessons.parse_lesson("x", text)
    assert lesson.dialogue_segments() == [
        lessons.DialogueSegment("Why prune", [("Teacher", "Why?"), ("Maya", "To save memory.")]),
        lessons.DialogueSegment("How", [("Leo", "How?"),
                                        ("Teacher", "Carefully. To sum up: carefully.")]),
    ]
    assert [s for s, _ in lesson.dialogue()] == ["Teacher", "Maya", "Leo", "Teacher"]
    assert lesson.faq() == [lessons.FaqEntry("Is this a question?", "It is.")]
    assert lesson.summary_chapters("detailed") == [
        lessons.SummaryChapter("First idea", "One.\n\n    y = W x"),
        lessons.SummaryChapter("Second", "Two, with *stars*."),
    ]


def test_speakers_are_the_teacher_and_four_named_students():
    # The audio lessons give each of these its own voice; renaming one breaks the audio.
    assert lessons.SPEAKERS == ("Teacher", "Maya", "Leo", "Priya", "Tom")
