"""`pruneedu validate`: good banks pass with a summary, each broken rule is named, no tracebacks."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pruneedu import cli, paths

FIXTURES = Path(__file__).parent / "fixtures" / "quiz"
COURSE = FIXTURES / "course"


def validate(capsys, *args):
    code = cli.main(["validate", *map(str, args)])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out


@pytest.fixture
def course(tmp_path):
    """A writable copy of the fixture course, to break one rule at a time."""
    shutil.copytree(COURSE, tmp_path / "course")
    return tmp_path / "course"


def edit(path, change):
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_good_folder_passes_with_summary(capsys):
    code, out = validate(capsys, COURSE / "quizzes")
    assert (code, out) == (0, "2 banks, 8 questions, glossary 2 terms: OK\n")


def test_single_file_passes(capsys):
    code, out = validate(capsys, COURSE / "quizzes" / "01-demo.yaml")
    assert (code, out) == (0, "1 bank, 7 questions: OK\n")


def test_default_path_is_the_course_quizzes_folder(capsys, monkeypatch):
    monkeypatch.setenv("PRUNEEDU_COURSE_ROOT", str(COURSE))
    assert paths.quizzes_dir() == COURSE / "quizzes"
    code, out = validate(capsys)
    assert code == 0 and out.endswith(": OK\n")


def test_unreadable_files_are_reported_per_file(capsys):
    code, out = validate(capsys, FIXTURES / "broken", "--lessons", COURSE / "lessons")
    assert code == 1
    lines = out.splitlines()
    assert lines[-1] == f"4 problems found in {FIXTURES / 'broken'}."
    by_file = {Path(line.split(":")[0]).name: line for line in lines[:-1]}
    assert set(by_file) == {"duplicate-key.yaml", "latin1.yaml", "not-mapping.yaml",
                            "syntax.yaml"}
    assert "line 14" in by_file["duplicate-key.yaml"] and "'answer' appears twice" in out
    assert "line 3 is not UTF-8" in by_file["latin1.yaml"]
    assert "must be a YAML mapping" in by_file["not-mapping.yaml"]
    assert "line 9" in by_file["syntax.yaml"] and "not valid YAML" in by_file["syntax.yaml"]


@pytest.mark.parametrize(("args", "message"), [
    (["nowhere"], "no such file or folder"),
    ([], "no .yaml files"),
    (["--lessons", "nowhere"], "--lessons"),
])
def test_a_wrong_path_is_a_usage_error_on_stderr(capsys, tmp_path, args, message):
    code = cli.main(["validate", *(str(tmp_path / a) if a == "nowhere" else a for a in args),
                     *([] if args == ["nowhere"] else [str(tmp_path)])])
    out = capsys.readouterr()
    assert code == 2 and out.out == ""
    assert out.err.startswith("pruneedu validate: ") and message in out.err
    assert "Traceback" not in out.err


ALIAS_BOMB = "\n".join(
    ["format_version: 1", "id: bomb", "title: t", "lesson: x",
     'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]"
       for a, b in zip("abcdefgh", "bcdefghi", strict=True)]
    + ["questions: [{id: q, type: *i, prompt: p, concept: c, answer: a}]"]) + "\n"


def test_a_yaml_alias_bomb_is_refused_in_little_memory(tmp_path):
    # A few hundred bytes that expand to 9**9 strings once anything walks or prints them.
    # Run under a 1 GB address-space cap: expanding it would fail with MemoryError instead.
    (tmp_path / "bomb.yaml").write_text(ALIAS_BOMB)
    assert len(ALIAS_BOMB) < 1000
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30)); "
    code = limit + "from pruneedu.cli import main; raise SystemExit(main())"
    result = subprocess.run([sys.executable, "-c", code, "validate", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "anchors and aliases (&name, *name) are not allowed" in result.stdout
    assert "MemoryError" not in result.stderr


def _question(data, qid):
    return next(q for q in data["questions"] if q["id"] == qid)


BANK_BREAKS = [
    ("missing prompt", lambda d: _question(d, "demo-single").pop("prompt"),
     "demo-single: missing required field prompt"),
    ("no key", lambda d: _question(d, "demo-single").pop("answer"),
     "demo-single: missing required field answer"),
    ("unknown type", lambda d: _question(d, "demo-single").update(type="essay"),
     "demo-single: unknown type 'essay'"),
    ("key not a choice", lambda d: _question(d, "demo-single").update(answer="e"),
     "demo-single: answer 'e' is not one of the choice ids a, b, c"),
    ("multiple key not a choice", lambda d: _question(d, "demo-multiple").update(answer=["a", "x"]),
     "demo-multiple: answer 'x' is not one of the choice ids"),
    ("duplicate choice id", lambda d: _question(d, "demo-single")["choices"][1].update(id="a"),
     "demo-single: choice id 'a' used twice"),
    ("truefalse key a string", lambda d: _question(d, "demo-truefalse").update(answer="yes"),
     "demo-truefalse: answer must be true or false"),
    ("negative tolerance",
     lambda d: _question(d, "demo-numeric").update(answer={"value": 75, "tolerance": -1}),
     "demo-numeric: answer tolerance must be a finite number >= 0"),
    ("infinite value",
     lambda d: _question(d, "demo-numeric").update(answer={"value": float("inf"), "tolerance": 1}),
     "demo-numeric: answer value must be a finite number"),
    ("min above max", lambda d: _question(d, "demo-range").update(answer={"min": 1, "max": 0}),
     "demo-range: answer min must not exceed max"),
    ("text key empty", lambda d: _question(d, "demo-text").update(answer={"accept": []}),
     "demo-text: answer must be {accept:"),
    ("matching not one-to-one",
     lambda d: _question(d, "demo-matching")["answer"]["pairs"].update(
         mask="time for one prediction"),
     "demo-matching: two terms share a definition"),
    ("points zero", lambda d: _question(d, "demo-single").update(points=0),
     "demo-single: points must be a positive number"),
    ("choices on truefalse", lambda d: _question(d, "demo-truefalse").update(choices=[]),
     "demo-truefalse: a truefalse question takes no choices"),
    ("typo field", lambda d: _question(d, "demo-single").update(explanaton="x"),
     "demo-single: unknown field 'explanaton'"),
    ("id differs from file", lambda d: d.update(id="01-other"),
     "01-demo.yaml: id '01-other' differs from the file name '01-demo'"),
    ("lesson missing", lambda d: d.update(lesson="09-nothing"),
     "01-demo.yaml: lesson '09-nothing' does not exist"),
    ("duplicate id in bank", lambda d: _question(d, "demo-range").update(id="demo-numeric"),
     "demo-numeric: question id used twice in this bank"),
    ("concept leaks the text answer",
     lambda d: _question(d, "demo-text").update(concept="The lottery ticket"),
     "demo-text: concept 'The lottery ticket' gives the answer 'lottery ticket' away"),
    ("see leaks the text answer",
     lambda d: _question(d, "demo-text").update(see="The lottery ticket, again"),
     "demo-text: see 'The lottery ticket, again' gives the answer 'lottery ticket' away"),
    ("id leaks the text answer",
     lambda d: _question(d, "demo-text").update(id="demo-lottery-ticket"),
     "demo-lottery-ticket: id 'demo-lottery-ticket' gives the answer 'lottery ticket' away"),
]


def test_question_ids_must_be_unique_across_banks(capsys, course):
    edit(course / "quizzes" / "02-demo.yaml",
         lambda d: d["questions"][0].update(id="demo-single"))
    code, out = validate(capsys, course / "quizzes")
    assert code == 1
    assert f"02-demo.yaml: demo-single: question id already used in {course}" in out


GLOSSARY_BREAKS = [
    ("duplicate id", lambda d: d["terms"][1].update(id="sparsity"), "sparsity: term id used twice"),
    ("related unknown", lambda d: d["terms"][0].update(related=["mask", "fisher"]),
     "sparsity: related term 'fisher' is not in the glossary"),
    ("lesson unknown", lambda d: d["terms"][1].update(lesson="07-nope"),
     "mask: lesson '07-nope' does not exist"),
    ("no definition", lambda d: d["terms"][1].pop("definition"),
     "mask: missing required field definition"),
    ("id not hyphenated lowercase", lambda d: d["terms"][1].update(id="Mask Tensor"),
     "Mask Tensor: id must be lowercase words joined by hyphens"),
]


BREAKS = ([("01-demo.yaml", *case) for case in BANK_BREAKS]
          + [("glossary.yaml", *case) for case in GLOSSARY_BREAKS])


@pytest.mark.parametrize(("file", "name", "change", "expected"), BREAKS,
                         ids=[f"{b[0]}: {b[1]}" for b in BREAKS])
def test_each_broken_rule_is_named_on_a_line_of_its_file(capsys, course, file, name, change,
                                                         expected):
    edit(course / "quizzes" / file, change)
    code, out = validate(capsys, course / "quizzes")
    assert code == 1
    # One line per problem, each naming the file (renaming a term also breaks its links).
    problems = out.splitlines()[:-1]
    assert all(line.startswith(str(course / "quizzes" / file) + ": ") for line in problems)
    assert sum(expected in line for line in problems) == 1, out


def test_module_entry_point_in_a_subprocess():
    result = subprocess.run([sys.executable, "-m", "pruneedu", "validate", str(COURSE / "quizzes")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "2 banks, 8 questions, glossary 2 terms: OK\n"
    broken = subprocess.run([sys.executable, "-m", "pruneedu", "validate",
                             str(FIXTURES / "broken" / "latin1.yaml")],
                            capture_output=True, text=True, timeout=60)
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert "not UTF-8" in broken.stdout


def test_shipped_quiz_banks_and_glossary_validate(capsys):
    code, out = validate(capsys, paths.quizzes_dir())
    assert code == 0, out


# --- Test-taking cues: warnings that name the question ids ---------------------------------

def _singles(count, key_position=0, key_text="key"):
    """Single-choice questions whose key sits at one position of the source."""
    questions = []
    for number in range(count):
        choices = [{"id": cid, "text": f"choice {cid} of question {number}"} for cid in "abcd"]
        key = "abcd"[key_position]
        choices[key_position]["text"] = f"{key_text} {number}"
        questions.append({"id": f"cue-{number}", "type": "single", "prompt": "Pick one.",
                          "concept": "cues", "choices": choices, "answer": key})
    return questions


def _bank(questions, name="01-demo"):
    return {"format_version": 1, "id": name, "title": "Cue demo", "lesson": "01-demo",
            "questions": questions}


def warnings_for(capsys, course, questions, *args):
    (course / "quizzes" / "01-demo.yaml").write_text(yaml.safe_dump(_bank(questions)))
    code, out = validate(capsys, course / "quizzes", *args)
    return code, [line for line in out.splitlines() if ": warning: " in line], out


def test_a_key_position_skew_is_a_warning_with_the_ids(capsys, course):
    code, warnings, out = warnings_for(capsys, course, _singles(8, key_position=0,
                                                                key_text="choice x, same size"))
    assert code == 0 and out.endswith("OK, 1 warning\n")
    [line] = warnings
    assert "key-position skew: choice #1 is the key in 8 of 8" in line
    assert "cue-0, cue-1" in line
    spread = _singles(8, key_position=0, key_text="choice x, same size")
    for number, question in enumerate(spread):
        question["answer"] = "abcd"[number % 4]
        question["choices"][0]["text"] = question["choices"][1]["text"].replace("b", "a")
    assert warnings_for(capsys, course, spread)[1] == []


def test_true_false_keys_all_one_way_are_a_warning(capsys, course):
    flags = [{"id": f"tf-{n}", "type": "truefalse", "prompt": "Yes?", "concept": "c",
              "answer": True} for n in range(6)]
    [line] = warnings_for(capsys, course, flags)[1]
    assert "6 of 6 true/false keys are true (tf-0, tf-1" in line


def test_longest_choice_keys_are_a_warning(capsys, course):
    questions = []
    for number in range(4):                     # keys spread over positions, always longest
        choices = [{"id": cid, "text": f"short {cid}{number}"} for cid in "abcd"]
        choices[number]["text"] = "the key, clearly longer"
        questions.append({"id": f"cue-{number}", "type": "single", "prompt": "Pick one.",
                          "concept": "cues", "choices": choices, "answer": "abcd"[number]})
    warnings = warnings_for(capsys, course, questions)[1]
    assert any("longest-choice cue: the key is the longest choice in 4 of 4" in w
               for w in warnings)
    assert sum("is 2.9x as long as the longest other choice" in w for w in warnings) == 4


def test_numeric_keys_printed_in_the_glossary_are_a_warning(capsys, course):
    fixed = {"id": "num-fixed", "type": "numeric", "prompt": "Sparsity?", "concept": "c",
             "answer": {"value": 0.75, "tolerance": 0}}      # the glossary example says 0.75
    drawn = {"id": "num-drawn", "type": "numeric", "prompt": "{n} of 40 weights?",
             "concept": "c", "params": {"n": {"min": 10, "max": 30, "step": 1}},
             "answer": {"formula": "n / 40", "tolerance": 0}}
    hidden = {"id": "num-hidden", "type": "numeric", "prompt": "{n} times 7919?",
              "concept": "c", "params": {"n": {"min": 11, "max": 99, "step": 1}},
              "answer": {"formula": "n * 7919", "tolerance": 0}}
    warnings = warnings_for(capsys, course, [fixed, drawn, hidden])[1]
    assert any("num-fixed: warning: the key 0.75 appears verbatim" in w for w in warnings)
    assert not any("num-drawn" in w for w in warnings)      # 1 variant in 21 prints 0.75
    assert not any("num-hidden" in w for w in warnings)
    drawn["params"] = {"n": {"values": [30]}}
    warnings = warnings_for(capsys, course, [drawn])[1]
    assert any("num-drawn: warning: 200 of 200 variants' keys (e.g. 0.75)" in w
               for w in warnings)


def test_strict_turns_warnings_into_failures(capsys, course):
    flags = [{"id": f"tf-{n}", "type": "truefalse", "prompt": "Yes?", "concept": "c",
              "answer": False} for n in range(6)]
    code, _, out = warnings_for(capsys, course, flags, "--strict")
    assert code == 1 and out.endswith("1 problem found in " + str(course / "quizzes") + ".\n")


def test_see_must_name_a_chapter_at_the_questions_depth(capsys, tmp_path):
    root = tmp_path / "course"
    (root / "quizzes").mkdir(parents=True)
    shutil.copytree(paths.lessons_dir(), root / "lessons")
    question = {"id": "see-1", "type": "truefalse", "prompt": "Yes?", "concept": "c",
                "answer": True, "see": "Masks"}
    bank = {"format_version": 1, "id": "01-x", "title": "t", "lesson": "01-introduction",
            "questions": [question]}
    (root / "quizzes" / "01-x.yaml").write_text(yaml.safe_dump(bank))
    code, out = validate(capsys, root / "quizzes")
    assert code == 0
    assert "see-1: warning: see 'Masks' is taught at detailed depth, but the question says" in out
    question.update(depth="detailed")
    (root / "quizzes" / "01-x.yaml").write_text(yaml.safe_dump(bank))
    assert validate(capsys, root / "quizzes") == (0, "1 bank, 1 question: OK\n")
    question.update(see="Does pruning make training faster?")      # a FAQ question works too
    (root / "quizzes" / "01-x.yaml").write_text(yaml.safe_dump(bank))
    assert validate(capsys, root / "quizzes")[0] == 0
    question.update(see="A chapter nobody wrote")
    (root / "quizzes" / "01-x.yaml").write_text(yaml.safe_dump(bank))
    code, out = validate(capsys, root / "quizzes")
    assert code == 1 and "see-1: see 'A chapter nobody wrote' is no summary chapter" in out


def test_practice_banks_are_checked_and_share_no_question_id(capsys, course):
    practice = course / "quizzes" / "practice"
    practice.mkdir()
    data = yaml.safe_load((course / "quizzes" / "01-demo.yaml").read_text())
    (practice / "01-demo.yaml").write_text(yaml.safe_dump(data))
    code, out = validate(capsys, course / "quizzes")
    assert code == 1
    assert f"practice/01-demo.yaml: demo-single: question id already used in {course}" in out


BANK_BREAKS_MORE = [
    ("formula with an attribute",
     {"answer": {"formula": "h.__class__", "tolerance": 0}, "params": {"h": {"values": [1]}}},
     "answer formula: formula 'h.__class__': attribute access is not allowed"),
    ("undeclared placeholder", {"prompt": "{width} weights?"},
     "{width} in prompt is not a declared param, value or recorded name"),
    ("param without values", {"params": {"h": {"values": []}}},
     "param 'h' values must be a non-empty list of numbers"),
    ("reserved name", {"params": {"round": {"values": [1]}}}, "param name 'round' is reserved"),
    ("recorded without a source", {"recorded": {"acc": {"min": 0, "max": 1}}},
     "recorded 'acc' must be {min: A, max: B, source: where it is recorded}"),
    ("depth unknown", {"depth": "expert"}, "depth must be one of basic, medium, detailed"),
    ("mistake without hint", {"mistakes": [{"formula": "1"}]},
     "mistake #1 must be {formula: ..., hint: ...}"),
    ("a written key", {"type": "written", "rubric": ["x"], "answer": 1},
     "a written question has no answer key"),
    ("written without rubric", {"type": "written"},
     "rubric must be a list of what a full answer contains"),
    ("undeclared pool", {"pool": "nowhere"}, "pool 'nowhere' is not declared"),
]


@pytest.mark.parametrize(("name", "change", "expected"), BANK_BREAKS_MORE,
                         ids=[b[0] for b in BANK_BREAKS_MORE])
def test_each_new_rule_is_named(capsys, course, name, change, expected):
    def apply(data):
        question = _question(data, "demo-numeric")
        question.update(change)
        if question["type"] == "written" and "answer" not in change:
            question.pop("answer")

    edit(course / "quizzes" / "01-demo.yaml", apply)
    code, out = validate(capsys, course / "quizzes")
    assert code == 1 and expected in out, out


def test_a_pool_must_hold_enough_equal_questions(capsys, course):
    def pooled(data):
        data["pools"] = {"pair": 3}
        _question(data, "demo-numeric")["pool"] = "pair"
        _question(data, "demo-range").update(pool="pair", points=2)

    edit(course / "quizzes" / "01-demo.yaml", pooled)
    code, out = validate(capsys, course / "quizzes")
    assert code == 1
    assert "pool 'pair' draws 3 but has 2 questions" in out
    assert "pool 'pair': its questions must all be worth the same points" in out
