"""Whose grade each file counts for, and every identity conflict, reported and never guessed.

A file names a learner itself (``learner_id`` in a responses file, the prefix of a code file
name), but that id is whatever the learner's machine wrote: on a hub everyone who kept the
default is ``jovyan``, and a copied file names its first owner. An LMS download also says
who handed the file in (:mod:`pruneedu.grading.lms`), which the learner cannot choose.

1. **LMS identity first.** With a roster, a Canvas file counts for the roster learner with
   that ``canvas_user_id``; a Moodle file for the roster learner with that name. A file
   whose own id differs (``jovyan``, or a classmate's id) is still that learner's, and is
   listed in the conflicts report. An LMS learner the roster does not know is rejected.
2. **Otherwise the file's own id**, which must be a real learner id: a shared account name
   (``jovyan``, ``root``...) is rejected, and with a roster so is an id not on it.
3. **One id, several sources.** When files for the same learner and item came from
   different places (two LMS users, two learner folders such as a hub's ``jupyter-ada/``
   and ``jupyter-ben/``, or a folder and the top level), none of them is graded: both are
   rejected and listed as a conflict for you to settle. Files from one LMS user that name
   the same id as another LMS user's files are graded as each user's own and listed.
4. **Resubmissions.** Of several files for one learner and item from one source, the one
   handed in last counts: by Canvas's upload order (its file ids), else by the files'
   modification times, never by a time written inside the file. The others are rejected as
   duplicates.

Example:
    >>> from datetime import datetime, timezone
    >>> from pruneedu.grading.submissions import Submission
    >>> t = datetime(2026, 3, 1, tzinfo=timezone.utc)
    >>> files = [Submission("a/q.responses.json", "quiz", "q", "jovyan", t, source="folder:a")]
    >>> kept, rejects, conflicts = attribute(files, roster=None)
    >>> kept, conflicts[0].kind
    ([], 'shared-id')
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone

from pruneedu.grading.lms import parse_origin
from pruneedu.grading.rejects import Reject
from pruneedu.grading.roster import Roster, RosterEntry
from pruneedu.grading.safe_text import quote
from pruneedu.grading.submissions import Submission, generic_learner_id, safe_learner_id

CONFLICT_COLUMNS = ("kind", "learner_id", "item", "files", "detail")
SEE_CONFLICTS = "see conflicts.csv"


@dataclass(frozen=True, order=True)
class Conflict:
    """An identity problem for the instructor: what kind, whose, which files, and why."""

    kind: str
    learner_id: str
    item: str
    files: str
    detail: str


@dataclass(frozen=True)
class Attributed:
    """A submission and the learner it counts for."""

    submission: Submission
    learner_id: str
    by_lms: bool


def _describe(submission: Submission) -> str:
    origin = submission.origin
    if origin is None:
        return submission.source or "the top of the submissions folder"
    who = f"{origin.lms.capitalize()} user {origin.submitter}"
    return f"{who} ({quote(origin.name, 40)})" if origin.name else who


def _lms_entry(submission: Submission, roster: Roster) -> tuple[RosterEntry | None, str]:
    """The roster entry the LMS names, or a reason it cannot be found ("" if the LMS is no
    help: no roster ids for it, or anonymous grading)."""
    origin = submission.origin
    if origin is None:
        return None, ""
    if origin.lms == "canvas":
        if not roster.has_canvas_ids or origin.anonymous:
            return None, ""
        entry = roster.by_canvas_id(origin.submitter)
        return entry, "" if entry else f"{_describe(submission)} is not in the roster"
    if not roster.has_names:
        return None, ""
    matches = roster.by_name(origin.name)
    if len(matches) == 1:
        return matches[0], ""
    if not matches:
        return None, f"{_describe(submission)} is not in the roster (no learner of that name)"
    named = [m for m in matches if m.learner_id == submission.learner_id]
    if len(named) == 1:
        return named[0], ""
    return None, (f"{len(matches)} roster learners are called {quote(origin.name, 40)}; "
                  "rename one in the roster as in Moodle, or grade this file by hand")


def owner_of_reject(reject: Reject, roster: Roster | None) -> Reject:
    """A rejected file counts against the learner its LMS name shows, where the roster says
    who that is (its own ``learner_id`` says nothing reliable)."""
    origin = parse_origin(reject.file)
    if origin is None or roster is None:
        return reject
    probe = Submission(reject.file, "", reject.item, reject.learner_id,
                       datetime.min.replace(tzinfo=timezone.utc), origin, origin.source)
    entry, _ = _lms_entry(probe, roster)
    if entry is None:
        return reject
    return dataclasses.replace(reject, learner_id=entry.learner_id)


def attribute(submissions: list[Submission], roster: Roster | None
              ) -> tuple[list[Attributed], list[Reject], list[Conflict]]:
    """Decide whose each file is: the files to grade, the rejects and the conflicts."""
    rejects: list[Reject] = []
    conflicts: list[Conflict] = []
    placed: list[Attributed] = []
    for sub in submissions:
        entry, problem = _lms_entry(sub, roster) if roster else (None, "")
        claimed = sub.learner_id
        if problem:
            rejects.append(Reject(sub.name, "", sub.item_id, "", f"{problem}; {SEE_CONFLICTS}"))
            conflicts.append(Conflict("unknown-learner", "", sub.item_id, sub.name, problem))
        elif entry is not None:
            placed.append(Attributed(sub, entry.learner_id, True))
            if claimed and claimed != entry.learner_id:
                kind = "shared-id" if generic_learner_id(claimed) else "claims-other-id"
                conflicts.append(Conflict(kind, entry.learner_id, sub.item_id, sub.name,
                                          f"the file names learner {quote(claimed, 40)} but "
                                          f"{_describe(sub)} handed it in, who is "
                                          f"{entry.learner_id} in the roster: graded as theirs"))
        elif not safe_learner_id(claimed):
            rejects.append(Reject(sub.name, "", sub.item_id, "",
                                  f"learner_id {quote(claimed, 40)} cannot name a file; use "
                                  "letters, digits, '_', '-', '@', '+', inner dots"))
        elif generic_learner_id(claimed):
            detail = (f"the file names the shared account {quote(claimed)}, which many learners "
                      "have; the learner must set their own id (or hand in through the LMS "
                      "with a roster)")
            rejects.append(Reject(sub.name, "", sub.item_id, "", f"{detail}; {SEE_CONFLICTS}"))
            conflicts.append(Conflict("shared-id", claimed, sub.item_id, sub.name, detail))
        elif roster is not None and claimed not in roster:
            detail = f"learner {claimed} is not in the roster"
            rejects.append(Reject(sub.name, "", sub.item_id, "", f"{detail}; {SEE_CONFLICTS}"))
            conflicts.append(Conflict("unknown-learner", claimed, sub.item_id, sub.name, detail))
        else:
            placed.append(Attributed(sub, claimed, False))
    placed = _split_sources(placed, rejects, conflicts)
    conflicts += _one_id_several_lms_users(placed)
    return _keep_latest(placed, rejects), rejects, sorted(conflicts)


def _split_sources(placed: list[Attributed], rejects: list[Reject],
                   conflicts: list[Conflict]) -> list[Attributed]:
    groups: dict[tuple[str, str], list[Attributed]] = defaultdict(list)
    for item in placed:
        if not item.by_lms:
            groups[(item.learner_id, item.submission.item_id)].append(item)
    dropped: set[int] = set()
    for (learner, item_id), items in sorted(groups.items()):
        sources = sorted({i.submission.source for i in items})
        if len(sources) < 2:
            continue
        names = sorted(i.submission.name for i in items)
        where = ", ".join(_describe(i.submission) for i in
                          sorted({i.submission.source: i for i in items}.values(),
                                 key=lambda i: i.submission.source))
        detail = (f"files for learner {learner} came from {len(sources)} places ({where}); "
                  "none was graded: keep the right one and grade again, or use an override")
        conflicts.append(Conflict("several-sources", learner, item_id, "; ".join(names), detail))
        for attributed in items:
            dropped.add(id(attributed))
            rejects.append(Reject(attributed.submission.name, learner, item_id, "",
                                  f"the same learner and item came from several places; "
                                  f"{SEE_CONFLICTS}"))
    return [p for p in placed if id(p) not in dropped]


def _one_id_several_lms_users(placed: list[Attributed]) -> list[Conflict]:
    users: dict[str, dict[str, Attributed]] = defaultdict(dict)
    for item in placed:
        if item.by_lms and item.submission.learner_id:
            users[item.submission.learner_id].setdefault(item.learner_id, item)
    conflicts = []
    for claimed, by_learner in sorted(users.items()):
        if len(by_learner) > 1:
            learners = sorted(by_learner)
            files = "; ".join(sorted(a.submission.name for a in by_learner.values()))
            conflicts.append(Conflict(
                "one-id-several-learners", claimed if safe_learner_id(claimed) else "", "",
                files, f"{len(learners)} learners handed in files naming "
                f"{quote(claimed, 40)}: {', '.join(learners)}; each was graded as the "
                "learner the LMS says handed it in"))
    return conflicts


def _order(item: Attributed) -> tuple:
    sub = item.submission
    return (sub.origin.order if sub.origin else (0, 0), sub.modified, sub.name)


def _keep_latest(placed: list[Attributed], rejects: list[Reject]) -> list[Attributed]:
    latest: dict[tuple[str, str], Attributed] = {}
    for item in sorted(placed, key=_order):
        latest[(item.learner_id, item.submission.item_id)] = item
    for item in placed:
        kept = latest[(item.learner_id, item.submission.item_id)]
        if kept is not item:
            basis = ("Canvas upload order" if kept.submission.origin
                     and kept.submission.origin.lms == "canvas" else "file times")
            rejects.append(Reject(item.submission.name, item.learner_id, item.submission.item_id,
                                  "", f"duplicate: {kept.submission.name} was handed in later "
                                  f"({basis}) and was graded instead"))
    return sorted(latest.values(), key=lambda a: (a.learner_id, a.submission.item_id))
