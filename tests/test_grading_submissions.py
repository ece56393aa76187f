"""Discovering submissions: each kind of bad file becomes a reject, good files are kept."""

import json
import os
from pathlib import Path

import pytest

from pruneedu import quiz
from pruneedu.grading.classgrade import grade_class
from pruneedu.grading.material import load_material
from pruneedu.grading.submissions import discover, safe_learner_id

FIXTURE = Path(__file__).parent / "fixtures" / "class"


@pytest.fixture(scope="module")
def material():
    return load_material(FIXTURE / "quizzes", FIXTURE / "exercises")


def responses(material, learner="ada", **changes) -> dict:
    data = quiz.new_responses("demo-quiz", quiz.content_hash(material.banks["demo-quiz"]),
                              learner, "graded")
    data["answers"] = {"q-tf": {"value": True, "answered_at": data["started_at"]}}
    data.update(changes)
    return data


def write(folder: Path, name: str, data: dict) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def reasons(found) -> dict[str, str]:
    return {reject.file: reject.reason for reject in found.rejects}


def test_good_files_in_sub_folders_are_found(tmp_path, material):
    write(tmp_path, "group-a/ada.demo-quiz.responses.json", responses(material))
    (tmp_path / "group-a" / "ada.zero-fraction.py").write_text("def zero_fraction(w): pass\n")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    found = discover(tmp_path, material)
    assert found.rejects == []
    assert [(s.name, s.learner_id) for s in found.quizzes] == [
        ("group-a/ada.demo-quiz.responses.json", "ada")]
    assert [(c.learner_id, c.item_id) for c in found.code] == [("ada", "zero-fraction")]
    assert [s.source for s in found.submissions] == ["folder:group-a", "folder:group-a"]


@pytest.mark.parametrize("change, fragment", [
    ({"quiz_id": "no-such-quiz"}, "unknown quiz 'no-such-quiz'"),
    ({"mode": "practice"}, "practice answers"),
    ({"quiz_hash": "sha256:" + "1" * 64}, "another version of the quiz"),
    ({"course_id": "another-course"}, "belongs to course"),
])
def test_each_bad_responses_file_is_rejected_with_its_reason(tmp_path, material, change,
                                                              fragment):
    write(tmp_path, "x.demo-quiz.responses.json", responses(material, **change))
    found = discover(tmp_path, material)
    assert found.quizzes == []
    assert fragment in reasons(found)["x.demo-quiz.responses.json"]


def test_a_learner_id_that_cannot_name_a_file_is_rejected(tmp_path, material):
    write(tmp_path, "x.demo-quiz.responses.json", responses(material, "../../etc/evil"))
    grades = grade_class(tmp_path, material)
    assert grades.learners == {}
    assert "cannot name a file" in grades.rejects[0].reason


def test_duplicates_keep_the_latest_file_time_never_the_updated_at_inside(tmp_path, material):
    # updated_at is written by the learner's machine: a clock set a year ahead must not win.
    # (In ada's own folder: at the top, files not named ada.* would be anyone's, a conflict.)
    for name, stamp, clock in [("a", 3_000, "2027-11-21T12:00:00+00:00"),
                               ("b", 2_000, "2026-11-21T10:30:00+00:00"),
                               ("c", 9_000, "2025-11-21T10:30:00+00:00")]:
        path = write(tmp_path, f"jupyter-ada/{name}.demo-quiz.responses.json",
                     responses(material, updated_at=clock))
        os.utime(path, (1_790_000_000 + stamp,) * 2)
    grades = grade_class(tmp_path, material)
    assert (grades.learners["ada"].handed_in["demo-quiz"].name
            == "jupyter-ada/c.demo-quiz.responses.json")
    assert sorted(r.file for r in grades.rejects) == ["jupyter-ada/a.demo-quiz.responses.json",
                                                      "jupyter-ada/b.demo-quiz.responses.json"]
    assert all("(file times)" in r.reason for r in grades.rejects)


def test_oversized_files_are_rejected_without_reading(tmp_path, material):
    (tmp_path / "big.demo-quiz.responses.json").write_bytes(b"{" * 2_000)
    found = discover(tmp_path, material, max_bytes=1_000)
    assert reasons(found) == {"big.demo-quiz.responses.json":
                              "the file is 2,000 bytes; the limit is 1,000"}


def test_every_symbolic_link_is_rejected(tmp_path, material):
    # Red-team round 6: a link inside the folder (a hub learner swapped one in during the
    # copy, `cp -P` kept it) may point at a classmate's collected file: graded as the link's
    # owner, it gave mallory ada's code. No collection makes links, so none is read.
    inside = tmp_path / "subs"
    outside = write(tmp_path, "elsewhere/bob.demo-quiz.responses.json", responses(material, "bob"))
    real = write(inside, "jupyter-ada/ada.demo-quiz.responses.json", responses(material))
    os.symlink(outside, inside / "bob.demo-quiz.responses.json")
    os.symlink(real, inside / "jupyter-ada" / "ada-link.demo-quiz.responses.json")
    os.symlink(tmp_path / "elsewhere", inside / "folder-link")
    found = discover(inside, material)
    assert reasons(found)["bob.demo-quiz.responses.json"] == (
        "a symbolic link that leads outside the submissions folder")
    assert "symbolic link to a folder" in reasons(found)["folder-link"]
    assert reasons(found)["jupyter-ada/ada-link.demo-quiz.responses.json"].startswith(
        "a symbolic link, not a file handed in")
    assert [s.learner_id for s in found.quizzes] == ["ada"]  # the real file only
    grades = grade_class(inside, material)
    assert list(grades.learners) == ["ada"]
    assert grades.learners["ada"].handed_in["demo-quiz"].name.endswith("/ada.demo-quiz."
                                                                        "responses.json")


def test_a_hash_in_a_file_name_is_rejected(tmp_path, material):
    # '#' labels a hand-in's parts (ada.handin.json#key) in every report and in named_for.
    write(tmp_path, "ada.demo-quiz.responses.json#.responses.json", responses(material))
    found = discover(tmp_path, material)
    assert "'#'" in reasons(found)["ada.demo-quiz.responses.json#.responses.json"]
    assert not found.quizzes


def test_code_files_need_a_known_exercise_and_utf8(tmp_path, material):
    (tmp_path / "ada.unknown-exercise.py").write_text("x = 1\n")
    (tmp_path / "ben.zero-fraction.py").write_bytes(b"# caf\xe9\n")
    (tmp_path / "notes.txt").write_text("hello")
    found = discover(tmp_path, material)
    assert found.code == []
    assert "not a known exercise" in reasons(found)["ada.unknown-exercise.py"]
    assert reasons(found)["ben.zero-fraction.py"] == "not UTF-8 text; save the file as UTF-8"
    assert reasons(found)["notes.txt"].startswith("not a submission")


@pytest.mark.parametrize("value, ok", [
    ("ada", True), ("ada.lovelace", True), ("a_b-c@uni+1", True),
    ("..", False), ("../x", False), ("a/b", False), (".hidden", False), ("a..b", False),
    ("", False), (3, False), ("x" * 65, False),
    # `$` also matches before a final newline: "ada\n" once passed as a second "ada".
    ("ada\n", False), ("ada\r", False), ("\u0430da", False),
])
def test_safe_learner_ids(value, ok):
    assert safe_learner_id(value) is ok


def test_absurd_json_is_rejected_not_fatal(tmp_path, material):
    (tmp_path / "deep.demo-quiz.responses.json").write_text("[" * 100_000 + "]" * 100_000)
    found = discover(tmp_path, material)
    assert reasons(found) == {"deep.demo-quiz.responses.json":
                              "the JSON is nested too deeply to read"}


def test_a_number_too_large_for_a_float_is_a_wrong_type_answer(tmp_path, material):
    data = responses(material, "ada")
    data["answers"]["q-num"] = {"value": 10 ** 400, "answered_at": data["started_at"]}
    write(tmp_path, "ada.demo-quiz.responses.json", data)
    grades = grade_class(tmp_path, material)
    # The rest of ada's quiz is still graded; only the absurd answer scores 0 and is reported.
    assert grades.learners["ada"].quizzes["demo-quiz"].results["q-num"].score == 0.0
    assert [(r.file, r.question) for r in grades.rejects] == [
        ("ada.demo-quiz.responses.json", "q-num")]
    assert "answer of the wrong type" in grades.rejects[0].reason


def test_a_file_that_breaks_the_quiz_grader_rejects_only_that_file(tmp_path, material,
                                                                  monkeypatch):
    write(tmp_path, "ada.demo-quiz.responses.json", responses(material, "ada"))
    write(tmp_path, "ben.demo-quiz.responses.json", responses(material, "ben"))
    real_grade = quiz.grade_responses

    def grade_or_break(bank, answers, **options):
        if answers["learner_id"] == "ada":
            raise ArithmeticError("a bug in the quiz grader")
        return real_grade(bank, answers, **options)

    monkeypatch.setattr(quiz, "grade_responses", grade_or_break)
    grades = grade_class(tmp_path, material)
    assert grades.learners["ben"].quizzes["demo-quiz"].score == 1.0  # q-tf right
    assert grades.learners["ada"].quizzes == {}
    assert grades.rejects[0].file == "ada.demo-quiz.responses.json"
    assert "could not be graded" in grades.rejects[0].reason


# --- Found by the adversarial review: each of these once stopped or fooled the grader. ---


def test_an_integer_too_long_to_parse_rejects_only_that_file(tmp_path, material):
    # json.loads raises a plain ValueError (not JSONDecodeError) past 4300 digits; it once
    # escaped discover() and stopped the whole class with exit status 2.
    data = json.dumps(responses(material, "ada")).replace('"value": true', '"value": ' + "9" * 5000)
    (tmp_path / "ada.demo-quiz.responses.json").write_text(data, encoding="utf-8")
    write(tmp_path, "ben.demo-quiz.responses.json", responses(material, "ben"))
    grades = grade_class(tmp_path, material)
    assert grades.learners["ben"].quizzes["demo-quiz"].score == 1.0
    assert [r.file for r in grades.rejects] == ["ada.demo-quiz.responses.json"]
    assert "not valid JSON" in grades.rejects[0].reason


def test_a_symbolic_link_loop_is_a_reject_not_a_crash(tmp_path, material):
    os.symlink("b.responses.json", tmp_path / "a.responses.json")
    os.symlink("a.responses.json", tmp_path / "b.responses.json")
    write(tmp_path, "ben.demo-quiz.responses.json", responses(material, "ben"))
    found = discover(tmp_path, material)
    assert [s.learner_id for s in found.quizzes] == ["ben"]
    assert set(reasons(found)) == {"a.responses.json", "b.responses.json"}
    assert all("link" in reason for reason in reasons(found).values())


def test_duplicate_keys_are_rejected_so_a_file_cannot_show_two_learners(tmp_path, material):
    # With duplicate keys the last one silently won: a file could read as ada's to a person
    # and be graded as ben's.
    text = json.dumps(responses(material, "ada"))[:-1] + ', "learner_id": "ben"}'
    (tmp_path / "ada.demo-quiz.responses.json").write_text(text, encoding="utf-8")
    found = discover(tmp_path, material)
    assert found.quizzes == []
    assert "learner_id" in reasons(found)["ada.demo-quiz.responses.json"]
    assert "twice" in reasons(found)["ada.demo-quiz.responses.json"]


def test_a_byte_order_mark_or_crlf_from_a_windows_editor_is_read(tmp_path, material):
    text = json.dumps(responses(material, "ada"), indent=2).replace("\n", "\r\n")
    (tmp_path / "ada.demo-quiz.responses.json").write_bytes(b"\xef\xbb\xbf" + text.encode())
    found = discover(tmp_path, material)
    assert found.rejects == []
    assert [s.learner_id for s in found.quizzes] == ["ada"]


def test_a_huge_wrong_type_answer_gives_a_short_reason(tmp_path, material):
    data = responses(material, "ada")
    data["answers"]["q-num"] = {"value": "x" * 200_000, "answered_at": data["started_at"]}
    write(tmp_path, "ada.demo-quiz.responses.json", data)
    grades = grade_class(tmp_path, material)
    assert [r.question for r in grades.rejects] == ["q-num"]
    assert len(grades.rejects[0].reason) <= 300
