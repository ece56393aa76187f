"""Whose grade each file counts for, and every identity conflict, reported and never guessed.

A file names a learner itself (``learner_id`` in a responses file, the prefix of a code file
name), but that id is whatever the learner's machine wrote: on a hub everyone who kept the
default is ``jovyan``, and a copied file names its first owner. An LMS download also says
who handed the file in (:mod:`pruneedu.grading.lms`), which the learner cannot choose.

0. **Is it an LMS download at all?** A learner chooses their file's name, so a name that
   looks like Canvas's or Moodle's is believed only where :class:`Downloads` says (``--lms``,
   the assignments file's download folders, else a roster with that LMS's ids); elsewhere
   the file is a plain one and the look-alike name is reported (``lms-name-not-read``). A
   file in the download folder of another item's assignment is rejected
   (``other-assignment``).
1. **LMS identity first.** With a roster, a Canvas file counts for the roster learner with
   that ``canvas_user_id``; a Moodle file for the roster learner with that name. A file
   whose own id differs (``jovyan``, or a classmate's id) is still that learner's, graded
   with that learner's own per-learner numbers, and is listed in the conflicts report. An
   LMS learner the roster does not know is rejected. A Moodle participant id holds for one
   assignment: two participants of one download that match one roster learner (a learner
   renamed as a classmate) are both rejected (``several-lms-users``).
2. **Otherwise the file's own id**, which must be a real learner id: a shared account name
   (``jovyan``, ``root``...) is rejected, and with a roster so is an id not on it.
3. **One id, several sources.** When files for the same learner and item came from
   different places (two LMS users, one Moodle learner in two downloads, two learner folders
   such as a hub's ``jupyter-ada/`` and ``jupyter-ben/``, or a folder and the top level),
   none of them is graded: both are rejected and listed as a conflict for you to settle.
   Files from one LMS user that name the same id as another LMS user's files are graded as
   each user's own and listed.
4. **Code claimed from another learner's file.** Outside an LMS, when code for one learner
   and exercise comes in several files and one of them does not carry that learner's id in
   its own file name (``zz.handin.json`` whose ``learner_id`` is ``ada`` beside
   ``ada.zero-fraction.py``), nothing tells who handed which in: none of them is graded, all
   are rejected and listed as a conflict for you to settle (before round rt2 the later file
   silently replaced the learner's own code).
5. **Resubmissions.** Of several files for one learner and item from one source, the one
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
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone

from pruneedu.grading.lms import LmsOrigin, parse_origin
from pruneedu.grading.rejects import Reject
from pruneedu.grading.roster import Roster, RosterEntry
from pruneedu.grading.safe_text import quote
from pruneedu.grading.submissions import (
    Submission,
    generic_learner_id,
    safe_learner_id,
    source_of,
)

LMS_CHOICES = ("auto", "canvas", "moodle", "none")

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


def inside(folder: str, download: str) -> bool:
    """Whether ``folder`` is the download folder ``download`` or lies in it ("" is the top).

    Example:
        >>> inside("quiz1/sub", "quiz1"), inside("quiz10", "quiz1"), inside("a", "")
        (True, False, True)
    """
    return not download or folder == download or folder.startswith(download + "/")


@dataclass(frozen=True)
class Downloads:
    """Where a file's LMS download name is believed (docs/lms.md 3).

    A learner chooses their file's name too, so a name that merely looks like Canvas's or
    Moodle's is read only where the instructor said the files are an LMS download: ``lms``
    (``--lms``) ``canvas`` or ``moodle`` reads that LMS's names, ``none`` no names, ``auto``
    a Canvas name when the roster has Canvas ids and a Moodle name when it has names.
    ``folders`` (item id -> its download folders, from the assignments file) narrows this to
    those folders and says which assignment each item was handed in to.
    """

    lms: str = "auto"
    folders: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def ignored_because(self, origin: LmsOrigin, roster: Roster | None) -> str:
        """"" when the name is read as the LMS's, else why it is not."""
        if self.lms == "none":
            return "--lms none"
        if self.lms != "auto" and origin.lms != self.lms:
            return f"--lms {self.lms}"
        declared = {f for folders in self.folders.values() for f in folders}
        if declared:
            if any(inside(origin.folder, f) for f in declared):
                return ""
            return "it lies outside every download_folder of the assignments file"
        if self.lms != "auto":
            return ""
        if origin.lms == "canvas" and (roster is None or not roster.has_canvas_ids):
            return "no --lms canvas, and the roster has no canvas_user_id"
        if origin.lms == "moodle" and (roster is None or not roster.has_names):
            return "no --lms moodle, and the roster has no names"
        return ""


def _plain(sub: Submission) -> Submission:
    """``sub`` as a file of a plain folder: its LMS-looking name says nothing."""
    return dataclasses.replace(sub, origin=None, source=source_of(sub.name, None))


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
    # Never settled by the learner_id inside the file: the learner writes that (round 5).
    return None, (f"{len(matches)} roster learners are called {quote(origin.name, 40)}; "
                  "rename one in the roster as in Moodle, or grade this file by hand")


def owner_of_reject(reject: Reject, roster: Roster | None,
                    downloads: Downloads = Downloads()) -> Reject:
    """A rejected file counts against the learner its LMS name shows, where the roster says
    who that is, or against the learner its file name is named for (:func:`named_for`). Its
    own ``learner_id`` says nothing reliable: anyone can write a classmate's id into a file,
    and name it with a message for them (red-team round 5), so such a reject is nobody's:
    the instructor's rejects.csv has it, no learner's feedback."""
    origin = parse_origin(reject.file)
    if origin is not None and downloads.ignored_because(origin, roster):
        origin = None  # read as a plain file, as attribute() reads it (red-team round 11)
    entry = None
    if origin is not None and roster is not None:
        probe = Submission(reject.file, "", reject.item, reject.learner_id,
                           datetime.min.replace(tzinfo=timezone.utc), origin, origin.source)
        entry, _ = _lms_entry(probe, roster)
    if entry is not None:
        return dataclasses.replace(reject, learner_id=entry.learner_id)
    source = source_of(reject.file, None)
    if origin is None and source.startswith("folder:jupyter-"):
        # The hub folder says whose it is, as for graded files (red-team round 10).
        owner = _hub_folder_owner(source)
        if roster is not None and owner not in roster:
            owner = ""
        if owner == reject.learner_id:
            return reject
        claim = (f" (the file names learner {quote(reject.learner_id, 40)})"
                 if reject.learner_id else "")
        return dataclasses.replace(reject, learner_id=owner, reason=reject.reason + claim)
    if reject.learner_id and not named_for(reject.file, reject.learner_id, reject.item or "-"):
        return dataclasses.replace(
            reject, learner_id="",
            reason=f"{reject.reason} (the file names learner {quote(reject.learner_id, 40)}, "
                   "not in its file name)")
    return reject


def attribute(submissions: list[Submission], roster: Roster | None,
              downloads: Downloads = Downloads()
              ) -> tuple[list[Attributed], list[Reject], list[Conflict]]:
    """Decide whose each file is: the files to grade, the rejects and the conflicts."""
    rejects: list[Reject] = []
    conflicts: list[Conflict] = []
    placed: list[Attributed] = []
    for sub in _believed(submissions, roster, downloads, conflicts):
        entry, problem = _lms_entry(sub, roster) if roster else (None, "")
        owner = entry.learner_id if entry else ""
        if sub.origin is not None and _other_assignment(sub, owner, downloads, rejects,
                                                        conflicts):
            continue
        claimed = sub.learner_id
        hub_owner = _hub_folder_owner(sub.source) if sub.origin is None else ""
        if not problem and entry is None and hub_owner and hub_owner != claimed:
            # A hub collection's jupyter-<id>/ holds what that learner's home held: the folder
            # says who handed it in, as an LMS name does (red-team round 9: mallory's file
            # naming ada in jupyter-mallory/ graded ada and quoted mallory's text to her).
            if roster is None or hub_owner in roster:
                placed.append(Attributed(sub, hub_owner, True))
                conflicts.append(Conflict(
                    "claims-other-id", hub_owner, sub.item_id, sub.name,
                    f"the file names learner {quote(claimed, 40)} but lies in "
                    f"{hub_owner}'s hub folder: graded as {hub_owner}'s, with their own "
                    "per-learner numbers"))
            else:
                detail = (f"the file lies in the hub folder of {quote(hub_owner, 40)}, who is "
                          "not in the roster, and names another learner")
                rejects.append(Reject(sub.name, "", sub.item_id, "",
                                      f"{detail}; {SEE_CONFLICTS}"))
                conflicts.append(Conflict("unknown-learner", "", sub.item_id, sub.name,
                                          detail))
            continue
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
                                          f"{entry.learner_id} in the roster: graded as theirs, "
                                          "with their own per-learner numbers"))
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
    placed = _several_lms_users_one_learner(placed, rejects, conflicts)
    placed = _split_sources(placed, rejects, conflicts)
    placed = _split_unnamed_code(placed, rejects, conflicts)
    conflicts += _one_id_several_lms_users(placed)
    if not downloads.folders:
        conflicts += _items_in_several_downloads(placed)
    return _keep_latest(placed, rejects), rejects, sorted(conflicts)


def _believed(submissions: list[Submission], roster: Roster | None, downloads: Downloads,
              conflicts: list[Conflict]) -> list[Submission]:
    """The submissions, each LMS-looking name read or set aside (and reported) as
    :class:`Downloads` says."""
    believed = []
    for sub in submissions:
        why = downloads.ignored_because(sub.origin, roster) if sub.origin else ""
        if why:
            lms = sub.origin.lms.capitalize()
            conflicts.append(Conflict(
                "lms-name-not-read", sub.learner_id if safe_learner_id(sub.learner_id) else "",
                sub.item_id, sub.name, f"named like a {lms} download, but read as a plain file "
                f"({why}): who it is comes from the file, when from its file time; if this "
                f"folder is a {lms} download, say so with --lms {lms.lower()} (docs/lms.md)"))
            sub = _plain(sub)
        believed.append(sub)
    return believed


def _other_assignment(sub: Submission, owner: str, downloads: Downloads,
                      rejects: list[Reject], conflicts: list[Conflict]) -> bool:
    """Reject a file handed in to another item's assignment (its download folder): the LMS
    judged it against that assignment's due date and participant ids."""
    if not downloads.folders:
        return False
    own = downloads.folders.get(sub.item_id, ())
    if any(inside(sub.origin.folder, folder) for folder in own):
        return False
    where = quote(sub.origin.folder or "the top", 60)
    expected = " or ".join(own) if own else "none: it has no download_folder"
    detail = (f"{sub.item_id} was handed in to the assignment downloaded into {where}, not "
              f"its own ({expected}); the LMS judged its lateness against that assignment: "
              "grade it by hand with an override if you accept it")
    rejects.append(Reject(sub.name, owner, sub.item_id, "", f"{detail}; {SEE_CONFLICTS}"))
    conflicts.append(Conflict("other-assignment", owner, sub.item_id, sub.name, detail))
    return True


def _several_lms_users_one_learner(placed: list[Attributed], rejects: list[Reject],
                                   conflicts: list[Conflict]) -> list[Attributed]:
    """One person has one id per LMS assignment: two of them in one download that the roster
    maps to one learner (a Moodle learner renamed as a classmate) are never merged."""
    users: dict[tuple[str, str], dict[str, list[Attributed]]] = defaultdict(
        lambda: defaultdict(list))
    for item in placed:
        origin = item.submission.origin
        if item.by_lms and origin is not None:
            users[(item.learner_id, f"{origin.lms}:{origin.folder}")][origin.submitter].append(
                item)
    dropped: set[int] = set()
    for (learner, _), by_user in sorted(users.items()):
        if len(by_user) < 2:
            continue
        items = [i for group in by_user.values() for i in group]
        names = sorted({i.submission.name for i in items})
        who = ", ".join(_describe(group[0].submission) for _, group in sorted(by_user.items()))
        detail = (f"{len(by_user)} LMS users in one download match roster learner {learner} "
                  f"({who}); none was graded: check which is {learner} in the LMS, remove "
                  "the other's files and grade again, or use an override")
        conflicts.append(Conflict("several-lms-users", learner, "", "; ".join(names), detail))
        for item in items:
            dropped.add(id(item))
            rejects.append(Reject(item.submission.name, learner, item.submission.item_id, "",
                                  f"several LMS users match this learner; {SEE_CONFLICTS}"))
    return [p for p in placed if id(p) not in dropped]


def _items_in_several_downloads(placed: list[Attributed]) -> list[Conflict]:
    """Without download folders in the assignments file: flag a file, or a part of a hand-in
    file, that lies in another download folder than most files of its item (handed in to
    another assignment, whose due date its Canvas LATE marker was judged against: before
    round 5 a quiz inside a later lab's hand-in escaped the quiz's deadline unflagged)."""
    folders: dict[str, Counter] = defaultdict(Counter)
    for item in placed:
        sub = item.submission
        if sub.origin is not None:
            folders[sub.item_id][sub.origin.folder] += 1
    conflicts = []
    for item in placed:
        sub = item.submission
        if sub.origin is None or len(folders[sub.item_id]) < 2:
            continue
        counts = folders[sub.item_id]
        most = max(counts.values())
        if counts[sub.origin.folder] == most and list(counts.values()).count(most) == 1:
            continue
        spread = ", ".join(f"{quote(f or 'the top', 40)}: {n}" for f, n in sorted(counts.items()))
        conflicts.append(Conflict(
            "other-assignment", item.learner_id, sub.item_id, sub.name,
            f"files of {sub.item_id} came from several download folders ({spread}), so some "
            "were handed in to another assignment, whose due date a Canvas LATE marker "
            "follows; graded, but say which folder is its own in the assignments file "
            "(download_folder) to reject the others"))
    return conflicts


def _split_sources(placed: list[Attributed], rejects: list[Reject],
                   conflicts: list[Conflict]) -> list[Attributed]:
    groups: dict[tuple[str, str], list[Attributed]] = defaultdict(list)
    for item in placed:
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


# What may follow "<learner>." in a file named for that learner: their hand-in, a course
# notebook or its export, or one exercise's file. Anything else (``ada.mallory.handin.json``)
# only starts with the id, which a classmate can write too.
_NOTEBOOK_NAME = re.compile(r"\d\d-[a-z0-9-]+\.(?:ipynb|py)")


def named_for(name: str, learner: str, item_id: str) -> bool:
    """Whether the file ``name`` (its last path part) carries ``learner``'s id in its name:
    ``<id>.handin.json``, ``<id>.<exercise>.py``, ``<id>.<quiz>.responses.json``,
    ``<id>.capstone.pedu`` or ``<id>.<notebook>``; anyone may write the id inside a file.

    Example:
        >>> named_for("ada.demo-quiz.responses.json", "ada", "demo-quiz")
        True
        >>> named_for("ada.mallory.handin.json", "ada", "demo-quiz")
        False
        >>> named_for("week1/ada.zero_fraction.py", "ada", "zero-fraction")
        True
    """
    # A hand-in's part is labelled <file>#<key>; a real file name never holds '#' (discover
    # rejects it), so the label cannot be faked.
    name = name.split("#", 1)[0].rsplit("/", 1)[-1]
    rest = name[len(learner) + 1:] if name.startswith(learner + ".") else None
    if rest is None:
        return False
    code = rest.replace("_", "-") if rest.endswith(".py") else rest  # zero_fraction.py counts
    return (code in ("handin.json", f"{item_id}.py", "capstone.pedu",
                     f"{item_id}.responses.json")
            or _NOTEBOOK_NAME.fullmatch(rest) is not None)


def _hub_folder_owner(source: str) -> str:
    """The learner whose hub folder (``jupyter-<id>/``, as docs/jupyterhub.md collects) a
    plain file's ``source`` (:func:`pruneedu.grading.submissions.source_of`) is, or ""."""
    if not source.startswith("folder:jupyter-"):
        return ""
    owner = source[len("folder:jupyter-"):]
    return owner if safe_learner_id(owner) and not generic_learner_id(owner) else ""


def own_folders(learner: str) -> tuple[str, str]:
    """The sources (:func:`pruneedu.grading.submissions.source_of`) that are ``learner``'s own
    folder: named as the hub collection in docs/jupyterhub.md names them."""
    return (f"folder:{learner}", f"folder:jupyter-{learner}")


def _split_unnamed_code(placed: list[Attributed], rejects: list[Reject],
                        conflicts: list[Conflict]) -> list[Attributed]:
    """Outside an LMS: code, or quiz answers anywhere but the learner's own folder, for one
    learner and item in several files is a conflict. A classmate may have written the
    learner's id into any of them, and a name "for" the learner proves nothing when there
    are several such names (``ada.zero_fraction.py``, ``ada.04-lab.ipynb`` beside
    ``ada.handin.json``; red-team rounds 4 to 7); a learner who hands in again reuses the
    name, which replaces the file."""
    groups: dict[tuple[str, str], list[Attributed]] = defaultdict(list)
    for item in placed:
        sub = item.submission
        # Quiz files in the learner's own folder (a hub collection's jupyter-ada/ or ada/) are
        # that learner's retakes; anywhere else (the top, week1/) anyone's lie side by side.
        if not item.by_lms and (sub.kind == "code"
                                or sub.source not in own_folders(item.learner_id)):
            groups[(item.learner_id, sub.item_id)].append(item)
    dropped: set[int] = set()
    for (learner, item_id), items in sorted(groups.items()):
        files = sorted({i.submission.file for i in items})
        if len(files) < 2:
            continue
        what = "code" if items[0].submission.kind == "code" else "answers"
        detail = (f"{what} for learner {learner} came in {len(files)} files outside an LMS; "
                  "anyone can write a learner's id into a file, so none was graded: keep the "
                  "right one and grade again, or use an override")
        conflicts.append(Conflict("several-files", learner, item_id,
                                  "; ".join(sorted(i.submission.name for i in items)), detail))
        for attributed in items:
            dropped.add(id(attributed))
            rejects.append(Reject(attributed.submission.name, learner, item_id, "",
                                  f"the same learner's {what} came in several files; "
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
                "learner the LMS or hub folder says handed it in"))
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
