"""What the grading commands share: their options, and lock -> grade -> write the set ->
report -> exit status.

``pruneedu grade``, ``feedback`` and ``stats`` grade the class the same way (the same roster,
late policy, overrides and accepted versions) and differ only in the files they write into
their ``--out`` folder, which is replaced as one set (:mod:`pruneedu.grading.outputset`).
Their exit status means the same for all three (the ``pruneedu`` help lists it too):

- 0: every submission was graded in full, no identity conflict, and the files were written;
- 1: something was rejected or an identity conflict was found (listed, and in
  ``rejects.csv`` / ``conflicts.csv`` for ``grade``); the rest was graded and the files
  were still written;
- 2: a usage or set-up problem (a missing folder, a broken bank, roster or overrides file, a
  sandbox that cannot start, an ``--out`` that cannot be written or is being written by
  another command): the reason is on standard error, and the old output (if any) is left
  as it was.

Everything printed goes through :func:`pruneedu.grading.safe_text.say`.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Callable
from pathlib import Path

from pruneedu import quiz
from pruneedu.grading.assignments import load_assignments
from pruneedu.grading.attribution import LMS_CHOICES
from pruneedu.grading.classgrade import ClassGrades, GradingSetup, grade_class
from pruneedu.grading.gradebook import capstone_test_data
from pruneedu.grading.late import LatePolicy, one_time_for_all, parse_deadline
from pruneedu.grading.material import Material, load_material
from pruneedu.grading.outputset import OutputError, OutputSet
from pruneedu.grading.overrides import append_audit, audit_path, load_overrides
from pruneedu.grading.rejects import summary
from pruneedu.grading.roster import load_roster
from pruneedu.grading.safe_text import clean, say
from pruneedu.grading.sandbox import SandboxError

MIN_SECRET_CHARS = 16
SHOWN_CONFLICTS = 20


def add_material_arguments(parser: argparse.ArgumentParser) -> None:
    """``--quizzes``, ``--exercises`` (where the instructor's full material is) and
    ``--secret-file`` (the instructor's secret behind each class's per-learner numbers)."""
    parser.add_argument("--quizzes", type=Path, default=None, metavar="DIR",
                        help="folder of the full quiz banks, with answer keys "
                             "(default: the course's quizzes/)")
    parser.add_argument("--exercises", type=Path, default=None, metavar="DIR",
                        help="folder of the code exercises (default: the course's exercises/)")
    parser.add_argument("--secret-file", type=Path, default=None, metavar="FILE",
                        help="file holding the instructor's secret, from which each class's "
                             "per-learner numbers are derived (use the same file to release "
                             "and to grade; never hand it out)")


def read_secret(path: Path | None) -> str | None:
    """The instructor's secret from ``--secret-file`` (None without one); ValueError when the
    file cannot be read or is too short to be a secret.

    Example:
        >>> read_secret(None) is None
        True
    """
    if path is None:
        return None
    try:
        secret = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"--secret-file {path} cannot be read ({error}); give the file that "
                         "holds the instructor's secret.") from None
    if len(secret) < MIN_SECRET_CHARS:
        raise ValueError(f"--secret-file {path} holds {len(secret)} characters; write a random "
                         f"secret of at least {MIN_SECRET_CHARS} into it (e.g. "
                         "`python -c 'import secrets; print(secrets.token_hex(32))'`).")
    return secret


def material_from_args(args: argparse.Namespace) -> Material:
    """The banks and exercises of ``--quizzes``/``--exercises``, with the class's variant seed
    derived from ``--secret-file`` (ValueError on bad material or secret)."""
    material = load_material(args.quizzes, args.exercises)
    secret = read_secret(getattr(args, "secret_file", None))
    if secret is None:
        return material
    return dataclasses.replace(material, variant_seed=quiz.class_seed(secret))


def add_grading_arguments(parser: argparse.ArgumentParser, out_help: str) -> None:
    """The arguments every grading command takes."""
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS_DIR",
                        help="folder of the files learners handed in (sub-folders allowed; an "
                             "unpacked Canvas or Moodle bulk download works as it is)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help=out_help)
    add_material_arguments(parser)
    class_list = parser.add_argument_group("the class")
    class_list.add_argument("--roster", type=Path, metavar="CSV",
                            help="the class list: learner_id and the LMS ids (docs/lms.md); the "
                                 "gradebook then has the roster's rows, in its order")
    class_list.add_argument("--assignments", type=Path, metavar="CSV",
                            help="item_id,lms_name[,canvas_assignment_id,deadline,"
                                 "download_folder]: which quizzes and exercises are LMS "
                                 "assignments, and where you unpacked each download "
                                 "(docs/lms.md)")
    class_list.add_argument("--lms", choices=LMS_CHOICES, default="auto",
                            help="whether the submissions are an LMS download whose file names "
                                 "say who handed each file in: canvas, moodle, none (a hub or "
                                 "plain folder), or auto (default: a Canvas name when the "
                                 "roster has canvas_user_id, a Moodle name when it has names)")
    policy = parser.add_argument_group("deadlines and corrections")
    policy.add_argument("--deadline", metavar="TIME",
                        help="due time, ISO 8601 with a UTC offset (2026-03-01T23:59+01:00)")
    policy.add_argument("--penalty-per-day", type=float, default=0.0, metavar="PERCENT",
                        help="points taken off per day or part of a day late, in percent of "
                             "the item's points (default 0: late work is only flagged)")
    policy.add_argument("--cutoff-days", type=float, default=None, metavar="DAYS",
                        help="work more than DAYS late scores 0")
    policy.add_argument("--overrides", type=Path, metavar="CSV",
                        help="learner_id,item,question,score,comment: scores set by hand; "
                             "every change is appended to <CSV stem>.audit.csv")
    policy.add_argument("--accept-version", action="append", default=[], metavar="QUIZ_HASH",
                        help="grade responses to this older quiz version (its sha256:... "
                             "quiz_hash, quoted in the rejects) against today's bank; repeat "
                             "for several")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def build_setup(args: argparse.Namespace, known_items: set[str],
                run_code: bool = True) -> GradingSetup:
    """The grading setup from the command line (ValueError on a bad file or value)."""
    if args.penalty_per_day < 0 or args.penalty_per_day > 100:
        raise ValueError(f"--penalty-per-day {args.penalty_per_day:g} is not a percentage "
                         "from 0 to 100.")
    if args.cutoff_days is not None and args.cutoff_days < 0:
        raise ValueError("--cutoff-days must be 0 or more.")
    policy = LatePolicy(parse_deadline(args.deadline) if args.deadline else None,
                        args.penalty_per_day, args.cutoff_days)
    for version in args.accept_version:
        if not version.startswith("sha256:"):
            raise ValueError(f"--accept-version {version!r} is not a quiz_hash; copy the "
                             "sha256:... value quoted in the rejects report.")
    return GradingSetup(
        roster=load_roster(args.roster) if args.roster else None,
        assignments=load_assignments(args.assignments, known_items) if args.assignments else {},
        policy=policy,
        overrides=tuple(load_overrides(args.overrides)) if args.overrides else (),
        accepted_versions=frozenset(args.accept_version),
        run_code=run_code,
        isolation="unsafe-none" if getattr(args, "unsafe_no_isolation", False) else "bwrap",
        jobs=getattr(args, "jobs", None) or 1,
        lms=_lms(args),
        shared_host=getattr(args, "shared_host", False),
    )


def _lms(args: argparse.Namespace) -> str:
    """``--lms``; a Canvas or Moodle ``--format`` says the download is that LMS's too."""
    lms, lms_format = getattr(args, "lms", "auto"), getattr(args, "format", "plain")
    if lms == "auto" and lms_format in ("canvas", "moodle"):
        return lms_format
    if lms not in ("auto", "none") and lms_format in ("canvas", "moodle") and lms != lms_format:
        raise ValueError(f"--lms {lms} and --format {lms_format} name two LMSs; grade one "
                         "LMS's download at a time.")
    return lms


def add_isolation_argument(parser: argparse.ArgumentParser) -> None:
    """``--unsafe-no-isolation`` and ``--jobs`` for the commands that run learners' code."""
    parser.add_argument("--unsafe-no-isolation", action="store_true",
                        help="run learners' code WITHOUT bubblewrap isolation (only for code "
                             "you trust; see docs/grading-guarantees.md)")
    # The CPUs this process may use (a container or taskset may allow fewer than the machine's).
    cores = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
             else os.cpu_count() or 1)
    parser.add_argument("--jobs", type=_job_count, default=cores, metavar="N",
                        help="learners whose code runs at once, each in its own sandbox "
                             f"(default: the number of CPUs, {cores} here; 1 runs them one "
                             "after another); the results are the same whatever N")
    parser.add_argument("--shared-host", action="store_true",
                        help="grade code even though other users' processes run on this "
                             "machine (a hub): they can watch it and read hidden test inputs "
                             "(docs/grading-guarantees.md); recorded in gradebook.json")


def _job_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of sandboxes; give 1 or "
                                         "more (e.g. --jobs 2)")
    return count


def conflicts_summary(grades: ClassGrades, shown: int = SHOWN_CONFLICTS) -> str:
    """Terminal lines for identity conflicts and missing learners ("" when there are none)."""
    lines = []
    if grades.conflicts:
        lines.append(f"{len(grades.conflicts)} identity conflict(s) (see conflicts.csv):")
        for conflict in grades.conflicts[:shown]:
            lines.append(f"  {clean(conflict.kind)}: {clean(conflict.detail)}")
        if len(grades.conflicts) > shown:
            lines.append(f"  ... and {len(grades.conflicts) - shown} more")
    if grades.missing:
        shown_ids = ", ".join(grades.missing[:shown])
        more = f" and {len(grades.missing) - shown} more" if len(grades.missing) > shown else ""
        lines.append(f"{len(grades.missing)} roster learner(s) handed in nothing: "
                     f"{shown_ids}{more}")
    return "\n".join(lines)


def run_grading_command(command: str, args: argparse.Namespace,
                        write: Callable[[ClassGrades, OutputSet], str],
                        run_code: bool = True) -> int:
    """Lock ``args.out``, grade ``args.submissions``, let ``write`` put the command's files into
    the set (it returns the lines saying what it wrote), publish the set, append the audit
    log, print the problems: the exit status.
    """
    def fail(message: object) -> int:
        say(f"pruneedu {command}: {message}", file=sys.stderr)
        return 2

    if args.out.suffix.lower() in (".csv", ".json", ".md", ".png"):
        return fail(f"--out {args.out} names a file, but --out is the folder the files go in "
                    f"(e.g. --out {args.out.with_suffix('')}/)")
    try:
        material = material_from_args(args)
        setup = build_setup(args, set(material.banks) | set(material.exercises), run_code)
        if run_code and setup.isolation == "unsafe-none":
            say(f"pruneedu {command}: WARNING: learners' code runs without isolation "
                "(--unsafe-no-isolation); it can read and change your files.", file=sys.stderr)
        with OutputSet(args.out) as output:
            ignore = (output.out, output.store, output.lock_path)
            grades = grade_class(args.submissions, material, setup=setup, ignore=ignore,
                                 progress=False if args.no_progress else None)
            done = write(grades, output)
            output.commit()
    except (ValueError, SandboxError, OutputError) as error:
        return fail(error)
    except OSError as error:  # exit status 1 would read as "something was rejected"
        return fail(f"cannot write to {args.out} ({error.strerror or error}); choose an --out "
                    "you can write to")
    if args.overrides:
        added = append_audit(audit_path(args.overrides), setup.overrides,
                             lambda key: grades.automatic.get(key, 0.0))
        if added:
            done += f"\nAppended {added} regrade(s) to {audit_path(args.overrides)}."
    pending = sum(len(g.pending) for r in grades.learners.values() for g in r.quizzes.values())
    if pending:
        done += (f"\n{pending} written answer{'s' if pending != 1 else ''} await a person's "
                 "score (0 until then): see review.csv, and score them in --overrides.")
    say(done)
    timed = {s.file: s.modified for r in grades.learners.values() for s in r.handed_in.values()
             if setup.deadline(s.item_id) and not (s.origin and s.origin.lms == "canvas")}
    if one_time_for_all(list(timed.values())):  # per file: a hand-in's parts share its time
        say(one_time_for_all(list(timed.values())))
    measured = capstone_test_data(grades)
    if measured and measured["warning"]:
        say(f"pruneedu {command}: WARNING: {measured['warning']}.", file=sys.stderr)
    elif measured:
        say(f"The capstone was measured on the {measured['source']} in {measured['folder']}.")
    say(summary(grades.rejects))
    problems = conflicts_summary(grades)
    if problems:
        say(problems)
    return 1 if grades.rejects or grades.conflicts else 0
