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
