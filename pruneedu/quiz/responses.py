"""A learner's responses file: creating, recording answers, atomic saving and validated loading.

The file format is documented in docs/formats.md. Saving is atomic
(:func:`pruneedu.atomic.write_atomic`): a crash or a full disk mid-write leaves the previous
file whole.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

import pruneedu
from pruneedu import paths
from pruneedu.argcheck import short_repr
from pruneedu.atomic import write_atomic

FORMAT_VERSION = 1
MODES = ("practice", "graded")
FIELDS = ("format_version", "course_id", "quiz_id", "quiz_hash", "learner_id", "mode",
          "started_at", "updated_at", "answers")
MAX_TRIES = 50  # tries kept per question; older ones beyond the first are dropped
MAX_RECORDED = 100


class ResponsesError(ValueError):
    """A responses file that cannot be read or does not follow docs/formats.md."""


def now_iso() -> str:
    """The current UTC time as ISO 8601 with offset, to the second."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def responses_path(quiz_id: str, mode: str = "graded") -> Path:
    """Where the quiz widget keeps a learner's answers to one quiz.

    Graded answers go to ``responses/<quiz-id>.responses.json`` (the file a learner hands in);
    practice answers to ``responses/<quiz-id>.practice.responses.json`` so practising never
    overwrites a graded attempt.

    Example:
        >>> responses_path("01-introduction").name
        '01-introduction.responses.json'
    """
    if mode not in MODES:
        raise ValueError(f"mode must be 'practice' or 'graded', not {mode!r}.")
    suffix = ".responses.json" if mode == "graded" else ".practice.responses.json"
    return paths.user_data_dir() / "responses" / f"{quiz_id}{suffix}"


def new_responses(quiz_id: str, quiz_hash: str, learner_id: str, mode: str) -> dict:
    """An empty responses mapping for one learner and quiz.

    Example:
        >>> r = new_responses("01-introduction", "sha256:ab", "ada", "graded")
        >>> r["answers"]
        {}
    """
    stamp = now_iso()
    responses = {
        "format_version": FORMAT_VERSION,
        "course_id": pruneedu.COURSE_ID,
        "quiz_id": quiz_id,
        "quiz_hash": quiz_hash,
        "learner_id": learner_id,
        "mode": mode,
        "started_at": stamp,
        "updated_at": stamp,
        "answers": {},
    }
    check_responses(responses)
    return responses


def record_answer(responses: dict, question_id: str, value: object,
                  variant: int | None = None) -> None:
    """Store (or replace) the answer to one question, stamping it and the file with now.
    ``variant``: the practice variant it answers (kept with it; graded files omit it).

    Example:
        >>> r = new_responses("01-introduction", "sha256:ab", "ada", "graded")
        >>> record_answer(r, "intro-why-edge", "a")
        >>> r["answers"]["intro-why-edge"]["value"]
        'a'
    """
    stamp = now_iso()
    entry = responses["answers"].setdefault(question_id, {})
    entry.update(value=value, answered_at=stamp)
    if variant is not None:
        entry["variant"] = variant
    responses["updated_at"] = stamp


def record_try(responses: dict, question_id: str, value: object, variant: int = 0) -> int:
    """Record a checked practice answer: it becomes the answer and is added to the question's
    ``tries`` (the first try is always kept, so a first-try score survives). Returns how many
    tries this question has had.

    Example:
        >>> r = new_responses("01-introduction", "sha256:ab", "ada", "practice")
        >>> record_try(r, "q", "b"), record_try(r, "q", "a")
        (1, 2)
        >>> [t["value"] for t in r["answers"]["q"]["tries"]]
        ['b', 'a']
    """
    record_answer(responses, question_id, value, variant)
    entry = responses["answers"][question_id]
    tries = entry.setdefault("tries", [])
    tries.append({"value": value, "variant": variant, "answered_at": entry["answered_at"]})
    if len(tries) > MAX_TRIES:
        del tries[1]
    return len(tries)


def _check_time(value: object, where: str) -> None:
    if not isinstance(value, str):
        raise ResponsesError(f"{where} must be an ISO 8601 time string, not {short_repr(value)}.")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ResponsesError(f"{where} {short_repr(value)} is not an ISO 8601 time.") from None
    if parsed.tzinfo is None:
        raise ResponsesError(f"{where} {short_repr(value)} lacks a UTC offset such as +00:00.")


def check_responses(data: object, source: str = "responses") -> None:
    """Raise :class:`ResponsesError` if ``data`` breaks the responses format."""
    if not isinstance(data, Mapping):
        raise ResponsesError(f"{source} must be a JSON object; it is not a responses file.")
    missing = [key for key in FIELDS if key not in data]
    if missing:
        raise ResponsesError(f"{source} lacks {', '.join(missing)}; it is not a responses file.")
    if data["format_version"] != FORMAT_VERSION:
        raise ResponsesError(f"{source} has format_version {short_repr(data['format_version'])}; "
                             f"this course reads version {FORMAT_VERSION}.")
    if data["course_id"] != pruneedu.COURSE_ID:
        raise ResponsesError(f"{source} belongs to course {short_repr(data['course_id'])}, "
                             f"not {pruneedu.COURSE_ID!r}.")
    for key in ("quiz_id", "learner_id"):
        if not isinstance(data[key], str) or not data[key]:
            raise ResponsesError(f"{source}: {key} must be a non-empty string.")
    if not isinstance(data["quiz_hash"], str) or not data["quiz_hash"].startswith("sha256:"):
        raise ResponsesError(f"{source}: quiz_hash must look like 'sha256:<hex>'.")
    if data["mode"] not in MODES:
        raise ResponsesError(f"{source}: mode must be 'practice' or 'graded'.")
    _check_time(data["started_at"], f"{source}: started_at")
    _check_time(data["updated_at"], f"{source}: updated_at")
    answers = data["answers"]
    if not isinstance(answers, Mapping):
        raise ResponsesError(f"{source}: answers must be an object keyed by question id.")
    for qid, entry in answers.items():
        if not isinstance(entry, Mapping) or "value" not in entry or "answered_at" not in entry:
            raise ResponsesError(f"{source}: answer {short_repr(qid)} needs value and answered_at.")
        _check_time(entry["answered_at"], f"{source}: answer {short_repr(qid)} answered_at")
        _check_entry_extras(entry, f"{source}: answer {short_repr(qid)}")
    _check_file_extras(data, source)


def _is_index(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31


def _check_entry_extras(entry: Mapping, where: str) -> None:
    """The optional parts of one answer: ``variant``, ``tries``, ``solution_shown``."""
    if "variant" in entry and not _is_index(entry["variant"]):
        raise ResponsesError(f"{where}: variant must be a whole number >= 0.")
    if "solution_shown" in entry and not isinstance(entry["solution_shown"], bool):
        raise ResponsesError(f"{where}: solution_shown must be true or false.")
    if "tries" not in entry:
        return
    tries = entry["tries"]
    if not isinstance(tries, list) or len(tries) > MAX_TRIES:
        raise ResponsesError(f"{where}: tries must be a list of at most {MAX_TRIES} tries.")
    for item in tries:
        if (not isinstance(item, Mapping) or "value" not in item
                or not _is_index(item.get("variant", 0))):
            raise ResponsesError(f"{where}: each try needs a value (and a whole variant).")
        _check_time(item.get("answered_at"), f"{where}: a try's answered_at")


def _check_file_extras(data: Mapping, source: str) -> None:
    """The optional parts of a file: ``variant_seed_id`` and ``recorded`` values."""
    seed = data.get("variant_seed_id", "none")
    if not isinstance(seed, str) or not (seed == "none" or (
            len(seed) == 12 and all(c in "0123456789abcdef" for c in seed))):
        raise ResponsesError(f"{source}: variant_seed_id must be 'none' or 12 hex digits.")
    recorded = data.get("recorded", {})
    if not isinstance(recorded, Mapping) or len(recorded) > MAX_RECORDED:
        raise ResponsesError(f"{source}: recorded must map at most {MAX_RECORDED} names to "
                             "numbers.")
    for name, value in recorded.items():
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or not math.isfinite(value)):
            raise ResponsesError(f"{source}: recorded {short_repr(name)} must be a finite "
                                 "number.")


class _DuplicateKey(ValueError):
    pass


def _refuse_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    # json.loads keeps the last of two equal keys: a file could then read as one learner's
    # to a person and be graded as another's. Our writer never repeats a key.
    data: dict = {}
    for key, value in pairs:
        if key in data:
            raise _DuplicateKey(key)
        data[key] = value
    return data


def load_responses(path: str | Path) -> dict:
    """Read and validate a responses file.

    A UTF-8 byte order mark (added by some Windows editors) is ignored; a JSON object that
    names the same key twice is refused.

    Example:
        >>> answers = new_responses("01-introduction", "sha256:ab", "ada", "graded")
        >>> record_answer(answers, "intro-why-edge", ["a", "b"])
        >>> path = save_responses(responses_path("01-introduction"), answers)
        >>> load_responses(path)["answers"]["intro-why-edge"]["value"]
        ['a', 'b']
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ResponsesError(f"no responses file at {path}; check the path.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ResponsesError(f"{path} cannot be read as UTF-8 text ({error}).") from None
    try:
        data = json.loads(text, object_pairs_hook=_refuse_duplicate_keys)
    except json.JSONDecodeError as error:
        raise ResponsesError(
            f"{path} is not valid JSON (line {error.lineno}: {error.msg}); "
            "it may be damaged, ask for a fresh copy."
        ) from None
    except _DuplicateKey as error:
        raise ResponsesError(f"{path} names the key {short_repr(error.args[0])} twice; it was "
                             "edited by hand or damaged, ask for a fresh copy.") from None
    except ValueError as error:  # e.g. an integer longer than Python parses (4300 digits)
        raise ResponsesError(f"{path} is not valid JSON ({str(error)[:80]}); it may be "
                             "damaged, ask for a fresh copy.") from None
    check_responses(data, source=str(path))
    return data


def save_responses(path: str | Path, responses: Mapping) -> Path:
    """Validate and write a responses file atomically; returns the path written.

    Example:
        >>> answers = new_responses("01-introduction", "sha256:ab", "ada", "practice")
        >>> save_responses(responses_path("01-introduction", "practice"), answers).name
        '01-introduction.practice.responses.json'
    """
    check_responses(responses, source="the answers to save")
    return write_atomic(path, json.dumps(responses, indent=2, ensure_ascii=False) + "\n")
