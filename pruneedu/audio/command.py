"""``pruneedu audio``: build the course's audio, check it against the lessons, export it.

    pruneedu audio build [--lesson ID] [--force]   speak what changed (needs the [audio] extra)
    pruneedu audio check                           exit 1 if any recording is stale or missing
    pruneedu audio export DIR [--format m4a]       one file per lesson and recording, with chapters
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pruneedu.lessons import LESSON_IDS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of the ``pruneedu audio`` subcommand (for ``pruneedu.cli``)."""
    actions = parser.add_subparsers(dest="audio_action", metavar="ACTION", required=True)
    build = actions.add_parser("build", help="speak every recording whose lesson text changed "
                               "(needs pip install -e '.[audio]')")
    build.add_argument("--lesson", action="append", choices=LESSON_IDS, dest="lessons",
                       help="only this lesson (repeatable; default: all)")
    build.add_argument("--force", action="store_true", help="rebuild even unchanged recordings")
    build.add_argument("--no-progress", action="store_true", help="no progress bar")
    actions.add_parser("check", help="list recordings that no longer match their lesson text")
    export = actions.add_parser("export", help="write audio files with chapters, for a phone "
                                "or a podcast app")
    export.add_argument("directory", type=Path, help="folder to write the files into")
    export.add_argument("--format", choices=("opus", "m4a"), default="opus",
                        help="opus (default, no re-encoding) or m4a (AAC, for Apple devices)")
    export.add_argument("--lesson", action="append", choices=LESSON_IDS, dest="lessons",
                        help="only this lesson (repeatable; default: all)")


def run(args: argparse.Namespace) -> int:
    """The body of ``pruneedu audio``."""
    lessons = tuple(args.lessons) if getattr(args, "lessons", None) else LESSON_IDS
    try:
        if args.audio_action == "build":
            return _build(lessons, args.force, not args.no_progress)
        if args.audio_action == "check":
            return _check()
        return _export(args.directory, args.format, lessons)
    except (RuntimeError, OSError, ValueError) as error:
        # No engines, no ffmpeg, no manifest: a set-up error (exit 2), with what to do next.
        print(f"pruneedu audio {args.audio_action}: {error}", file=sys.stderr)
        return 2


def _build(lessons: tuple[str, ...], force: bool, progress: bool) -> int:
    from pruneedu.audio.build import build

    report = build(lessons, force=force, progress=progress)
    print(f"Built {len(report.built)} recordings ({report.audio_s / 60:.1f} min of speech), "
          f"kept {len(report.kept)} unchanged, removed {len(report.removed)} old files.")
    return _check()


def _check() -> int:
    from pruneedu.audio import manifest
    from pruneedu.audio.tracks import course_tracks

    found = manifest.problems(course_tracks(), manifest.load())
    for problem in found:
        print(f"stale: {problem}")
    if found:
        print(f"{len(found)} recordings do not match the lessons; {manifest.REBUILD_HINT}.",
              file=sys.stderr)
        return 1
    print("Every recording matches its lesson text.")
    return 0


def _export(directory: Path, audio_format: str, lessons: tuple[str, ...]) -> int:
    from pruneedu.audio.export import export

    written = export(directory, audio_format, lessons)
    for path in written:
        print(path)
    print(f"Wrote {len(written)} files to {directory}.")
    return 0
