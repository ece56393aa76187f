"""Lesson texts and pruneedu.lessons: structure, formats, dialogue, FAQ, originality, the CLI.

The numbers the lessons quote are checked in test_lesson_facts.py; the widget in
test_lesson_view.py.
"""

from __future__ import annotations

import argparse
import re
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
STUDENTS = ("Maya", "Leo", "Priya", "Tom")


def lesson_texts() -> dict[str, str]:
    folder = REPO / "lessons"
    return {i: (folder / f"{i}.md").read_text(encoding="utf-8") for i in lessons.LESSON_IDS}


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"(])", " ".join(text.split())) if s]


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
        body = lesson.section_markdown(heading)
        assert len(body.split()) >= 30, f"{lesson_id}: '{heading}' is thin"


# --- summaries: three depths, one idea and its example per paragraph ------------------------

@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_summaries_differ_and_grow_with_depth(lesson_id):
    lesson = lessons.load_lesson(lesson_id)
    basic, medium, detailed = (lesson.summary(d) for d in lessons.DEPTHS)
    assert len(basic.split()) < len(medium.split()) < len(detailed.split())
    assert len({basic, medium, detailed}) == 3
    chapters = [len(lesson.summary_chapters(d)) for d in lessons.DEPTHS]
    assert 3 <= chapters[0] <= 5 and chapters[0] < chapters[1] < chapters[2], chapters


@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_basic_summary_is_plain_short_paragraphs(lesson_id):
    for chapter in lessons.load_lesson(lesson_id).summary_chapters("basic"):
        # One idea and its example or analogy: two or three sentences, no code, no formulas.
        assert 2 <= len(sentences(chapter.text)) <= 3, chapter.title
        assert not re.search(r"[`=/_]|\d+(?:\.\d+)? ?x\b", chapter.text), chapter.title


@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_every_summary_paragraph_carries_an_example_or_analogy(lesson_id):
    # The audio book reads a chapter as "idea, then example": each names something concrete.
    concrete = re.compile(r"\d|like |as if|as a |just as|think of|picture|imagine|example|such as|"
                          r"the way|much as|drawer|pie|doctor|bolt|e\.g\.", re.IGNORECASE)
    lesson = lessons.load_lesson(lesson_id)
    for depth in ("basic", "medium"):
        for chapter in lesson.summary_chapters(depth):
            assert concrete.search(chapter.text), f"{lesson_id} {depth}: '{chapter.title}'"


# --- dialogue: a teacher and four named students, segments with recaps, written for the ear ---

@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_dialogue_segments_hold_every_turn_of_the_known_speakers(lesson_id):
    lesson = lessons.load_lesson(lesson_id)
    segments = lesson.dialogue_segments()
    assert 3 <= len(segments) <= 6
    turns = [turn for segment in segments for turn in segment.turns]
    assert lesson.dialogue() == turns
    assert {speaker for speaker, _ in turns} == set(lessons.SPEAKERS)
    # Every paragraph of the section is a heading or a turn, so none is silently dropped.
    paragraphs = [p for p in lesson.sections["Dialogue"].split("\n\n") if p.strip()]
    assert len(paragraphs) == len(turns) + len(segments)
    student_questions = [text for speaker, text in turns if speaker != "Teacher" and "?" in text]
    assert len(student_questions) >= 8


@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_each_segment_involves_students_and_ends_with_a_teacher_recap(lesson_id):
    for segment in lessons.load_lesson(lesson_id).dialogue_segments():
        speakers = {speaker for speaker, _ in segment.turns}
        assert len(speakers & set(STUDENTS)) >= 2, segment.title
        last_speaker, last_text = segment.turns[-1]
        assert last_speaker == "Teacher", segment.title
        assert re.match(r"(To sum up|So, in short)", last_text), segment.title


def test_students_get_it_wrong_and_are_corrected():
    # A wrong answer is followed by the teacher's correction ("No", "Not ...", "Careful", ...).
    correction = re.compile(r"^(No\b|Not\b|Careful|Look again|Fair, maybe|Let's check|Pruning "
                            r"removes weights|That would)")
    for lesson_id in lessons.LESSON_IDS:
        turns = lessons.load_lesson(lesson_id).dialogue()
        corrected = [turns[i][0] for i in range(1, len(turns))
                     if turns[i][0] == "Teacher" and turns[i - 1][0] in STUDENTS
                     and correction.match(turns[i][1])]
        assert len(corrected) >= 3, f"{lesson_id}: only {corrected} corrected"


@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_dialogue_reads_well_aloud(lesson_id):
    for speaker, text in lessons.load_lesson(lesson_id).dialogue():
        # No code, formulas or symbols read out character by character.
        assert not re.search(r"[`=*_/()\[\]{}<>#]|\d+(?:\.\d+)?x\b|\bx\b|e\.g\.|i\.e\.", text), (
            f"{lesson_id} {speaker}: {text}")
        # Short sentences, short turns.
        assert len(text.split()) <= 70, f"{lesson_id} {speaker}: a turn of {len(text.split())}"
        for sentence in sentences(text):
            assert len(sentence.split()) <= 26, f"{lesson_id} {speaker}: {sentence}"


def test_the_ear_checks_can_fail():
    bad = "Call `prune_weights(net, 0.9)` and get 12x = 1 / (1 - s)."
    assert re.search(r"[`=*_/()\[\]{}<>#]|\d+(?:\.\d+)?x\b", bad)


# --- FAQ, memory aids, applications -------------------------------------------------------

@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_faq_answers_real_questions_briefly(lesson_id):
    entries = lessons.load_lesson(lesson_id).faq()
    assert len(entries) >= 5
    for entry in entries:
        assert entry.question.endswith("?"), entry.question
        assert 25 <= len(entry.answer.split()) <= 130, entry.question


def test_the_questions_learners_ask_are_answered():
    questions = [e.question for i in lessons.LESSON_IDS for e in lessons.load_lesson(i).faq()]
    for asked in ("Does pruning make training faster?", "How do I choose a technique?",
                  "Should I prune gradually or in one shot?",
                  "Why is my 90%-sparse model no faster?"):
        assert asked in questions, asked
    assert any("more accurate" in q for q in questions)


def test_memory_aids_are_taken_apart_where_they_mislead():
    aids = lessons.load_lesson("01-introduction").sections["Memory aids"]
    assert "**PRUNE, and where it stops.**" in aids
    for letter, word in zip("PRUNE", ("Pick", "Remove", "Update", "Note", "Enough"), strict=True):
        assert f"**{letter}**{word[1:]}" in aids
    assert "**A rhyme, and its missing half.**" in aids and "only half true" in aids
    assert "**A story: the gardener and the orchard.**" in aids and "mislead" in aids
    for lesson_id in lessons.LESSON_IDS:
        body = lessons.load_lesson(lesson_id).sections["Memory aids"]
        assert re.search(r"mislead|only half true|hides|leaves out", body), lesson_id


def test_applications_beyond_vision_cite_their_papers():
    examples = lessons.load_lesson("01-introduction").sections["Real-world examples"]
    assert "**Language models (NLP).**" in examples and "**Recommendation systems.**" in examples
    for paper in ("Sanh et al. (2020)", "SparseGPT", "DeepLight (Deng et al.", "PEP (Liu et al."):
        assert paper in examples, paper


def test_the_noise_and_accuracy_claims_are_examined():
    detailed = lessons.load_lesson("03-challenges").summary("detailed")
    assert "**Does pruning remove noise or raise accuracy?**" in detailed
    assert "Pruning removes weights; it does nothing to the noise in your data." in detailed


# --- what 2026 pruning looks like ----------------------------------------------------------

def test_current_methods_are_taught_where_a_notebook_can_follow():
    two = lessons.load_lesson("02-weight-vs-node").summary("detailed")
    three = lessons.load_lesson("03-challenges").summary("detailed")
    assert "**Semi-structured 2:4 sparsity.**" in two and "sparse tensor cores" in two.lower()
    assert "**Bigger groups: heads, blocks and layers.**" in two and "DepGraph" in two
    assert "**Scores for large language models.**" in three
    for name in ("Wanda", "SparseGPT", "Movement pruning"):
        assert name in three


# --- key concepts, glossary ---------------------------------------------------------------

@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_key_concepts_are_bold_term_dash_explanation(lesson_id):
    body = lessons.load_lesson(lesson_id).sections["Key concepts"]
    bullets = [line for line in body.splitlines() if line.startswith("- ")]
    assert len(bullets) >= 8
    for line in bullets:
        assert re.match(r"^- \*\*[^*]+\*\* - \S", line), line


def glossary_terms() -> list[dict]:
    glossary = REPO / "quizzes" / "glossary.yaml"
    return yaml.safe_load(glossary.read_text(encoding="utf-8"))["terms"]


@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_glossary_pointers_name_existing_terms(lesson_id):
    ids = lessons.load_lesson(lesson_id).glossary_ids()
    assert len(ids) >= 5
    missing = sorted(set(ids) - {term["id"] for term in glossary_terms()})
    assert not missing, f"{lesson_id} points to glossary ids that do not exist: {missing}"


@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_glossary_section_shows_each_term_with_its_definition(lesson_id):
    lesson = lessons.load_lesson(lesson_id)
    shown = lesson.glossary_markdown()
    terms = {term["id"]: term for term in glossary_terms()}
    for term_id in lesson.glossary_ids():
        term = terms[term_id]
        assert f"- **{term['term']}** - {term['definition']}" in shown, term_id
    assert shown.count("\n- **") + 1 == len(lesson.glossary_ids())


def test_unknown_glossary_id_is_a_clear_error():
    lesson = lessons.Lesson("x", "Lesson 9 - X", {"Glossary": "- `no-such-term`"})
    with pytest.raises(ValueError, match="lists the glossary id 'no-such-term'"):
        lesson.glossary_markdown()


def test_every_glossary_term_is_listed_by_the_lesson_that_teaches_it():
    for lesson_id in lessons.LESSON_IDS:
        listed = set(lessons.load_lesson(lesson_id).glossary_ids())
        owned = {t["id"] for t in glossary_terms() if t.get("lesson") == lesson_id}
        assert owned <= listed, f"{lesson_id} does not list {sorted(owned - listed)}"


def test_the_big_terms_are_each_taught_somewhere():
    taught = {i for lid in lessons.LESSON_IDS for i in lessons.load_lesson(lid).glossary_ids()}
    for term in ("sparsity", "mask", "weight-pruning", "node-pruning", "structured-pruning",
                 "fine-tuning", "quantization", "latency", "edge-device", "compression-ratio",
                 "iterative-pruning", "lottery-ticket", "global-pruning", "precision", "recall",
                 "semi-structured-sparsity", "saliency-based-pruning", "activation-aware-pruning"):
        assert term in taught


# --- the syllabus: every concept covered, no sentence copied ---------------------------------

# Concepts of the three syllabus texts, each with words that must appear in the named lesson.
SYLLABUS_CHECKLIST = {
    "01-introduction": [
        "edge device", "inference", "latency", "memory", "energy", "battery", "model optimization",
        "model complexity", "train", "fine-tune", "drone", "phone", "iot", "segmentation",
        "tracking", "translation", "recommendation", "medical", "driver-assistance",
        "training", "gardener", "sculptor", "prune", "rhyme", "story",
    ],
    "02-weight-vs-node": [
        "weight pruning", "node pruning", "neuron", "structured pruning", "channel", "filter",
        "blocks", "layers", "combine", "measuring", "connections",
    ],
    "03-challenges": [
        "balance", "quantization", "inference time", "precision", "recall", "sensitivity",
        "magnitude", "sound model", "seeds", "lottery", "gradual", "baseline", "regularization",
        "before training", "during training", "after training", "noise", "choose a technique",
    ],
}


@pytest.mark.parametrize("lesson_id", lessons.LESSON_IDS)
def test_each_syllabus_concept_lands_in_its_lesson(lesson_id):
    text = " ".join(lesson_texts()[lesson_id].lower().split())
    missing = [word for word in SYLLABUS_CHECKLIST[lesson_id] if word not in text]
    assert not missing, f"{lesson_id} does not mention {missing}"


def test_the_misconceptions_are_taken_apart():
    text = " ".join(" ".join(lesson_texts().values()).lower().split())
    for phrase in ("90%-sparse model no faster", "the shapes did not change",
                   "were not zero any more", "sparsity is *not* the compression ratio",
                   "get in each other's way", "the file stays the same size"):
        assert phrase in text, phrase


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


# --- loading, errors and the terminal ------------------------------------------------------

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
