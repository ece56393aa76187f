"""Ordinary audio files for a phone or a podcast app: one file per lesson and recording
(the conversation, the audio book at each depth), each with a title and one chapter per
dialogue segment or book chapter.

``opus`` (the default) joins the shipped Opus tracks without re-encoding them; ``m4a`` re-encodes
to AAC for players that do not read Opus (older Apple devices). Needs ffmpeg, not the engines.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from pruneedu.audio import manifest as manifest_io
from pruneedu.audio.measure import require_ffmpeg
from pruneedu.audio.tracks import KIND_NAMES, KINDS
from pruneedu.lessons import LESSON_IDS, load_lesson

FORMATS: dict[str, list[str]] = {
    "opus": ["-c", "copy"],
    "m4a": ["-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart"],
}


def _metadata_value(text: str) -> str:
    # ffmetadata escapes these with a backslash; newlines and control characters are dropped.
    text = re.sub(r"[\x00-\x1f\x7f]", " ", text)
    return re.sub(r"([=;#\\])", r"\\\1", text)


def _quoted(path: Path) -> str:
    """A path quoted for ffmpeg's concat list (a quote inside it is closed, escaped, reopened)."""
    return "'" + str(path).replace("'", "'\\''") + "'"


def chapters_metadata(title: str, album: str, track_number: int,
                      chapters: list[tuple[str, float]]) -> str:
    """An ffmetadata file: the recording's tags, then (chapter title, duration in s) in order.

    Example:
        >>> print(chapters_metadata("L1", "C", 1, [("Part one", 1.5)]).splitlines()[7:10])
        ['TIMEBASE=1/1000', 'START=0', 'END=1500']
    """
    lines = [";FFMETADATA1", f"title={_metadata_value(title)}", "artist=PruneEdu",
             f"album={_metadata_value(album)}", f"track={track_number}", "genre=Speech"]
    start = 0
    for chapter_title, seconds in chapters:
        end = start + round(seconds * 1000)
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={start}", f"END={end}",
                  f"title={_metadata_value(chapter_title)}"]
        start = end
    return "\n".join(lines) + "\n"


def export(destination: Path, audio_format: str = "opus",
           lesson_ids: tuple[str, ...] = LESSON_IDS, kinds: tuple[str, ...] = KINDS,
           folder: Path | None = None) -> list[Path]:
    """Write one file per lesson and kind into ``destination``; returns the paths written.

    Example:
        >>> export(Path("~/Music/pruneedu").expanduser())  # doctest: +SKIP
        [PosixPath('.../01-introduction-1-conversation.opus'), ...]
    """
    if audio_format not in FORMATS:
        raise ValueError(f"Unknown format {audio_format!r}; choose one of: {', '.join(FORMATS)}.")
    ffmpeg = require_ffmpeg()
    folder = folder or manifest_io.audio_dir()
    entries = manifest_io.load(folder)["tracks"]
    destination.mkdir(parents=True, exist_ok=True)
    written = []
    for number, lesson_id in enumerate(lesson_ids, start=1):
        lesson_title = load_lesson(lesson_id).title
        for kind_number, kind in enumerate(kinds, start=1):
            tracks = [e for e in entries if e["lesson"] == lesson_id and e["kind"] == kind]
            if not tracks:
                continue
            name = f"{lesson_id}-{kind_number}-{KIND_NAMES[kind].lower().replace(', ', '-')}"
            path = destination / f"{name.replace(' ', '-')}.{audio_format}"
            metadata = chapters_metadata(f"{lesson_title}: {KIND_NAMES[kind]}", "PruneEdu",
                                         number * 10 + kind_number,
                                         [(e["title"], e["duration_s"]) for e in tracks])
            with tempfile.TemporaryDirectory() as scratch:
                listing = Path(scratch) / "tracks.txt"
                listing.write_text("".join(f"file {_quoted((folder / e['file']).resolve())}\n"
                                           for e in tracks), encoding="utf-8")
                meta = Path(scratch) / "metadata.txt"
                meta.write_text(metadata, encoding="utf-8")
                result = subprocess.run(
                    [ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-f", "concat",
                     "-safe", "0", "-i", str(listing), "-i", str(meta), "-map", "0:a",
                     "-map_metadata", "1", "-map_metadata:s:a", "1:g", "-map_chapters", "1",
                     *FORMATS[audio_format],
                     "-fflags", "+bitexact", "-y", str(path)],
                    capture_output=True, text=True)
            if result.returncode != 0:
                raise RuntimeError(f"ffmpeg could not write {path}: {result.stderr[-400:]}")
            written.append(path)
    return written
