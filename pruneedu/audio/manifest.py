"""The audio manifest (``audio/manifest.json``): per track, the exact words it speaks, their hash,
its file and the file's hash, its duration, loudness and where each line starts.

``problems()`` compares the manifest with the lessons as they are now and with the files on
disk; ``make test`` fails on any difference, so shipped audio never drifts from the text.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pruneedu import paths
from pruneedu.audio.tracks import Track

FORMAT = 1
MANIFEST_NAME = "manifest.json"
REBUILD_HINT = "rebuild the audio with make audio (or pruneedu audio build)"


def audio_dir() -> Path:
    """The folder that holds the course's audio and its manifest."""
    return paths.course_root() / "audio"


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load(folder: Path | None = None) -> dict:
    """The manifest as a dict (``{"format", "engines", "voices", "tracks": [...]}``).

    Example:
        >>> load()["tracks"][0]["id"]
        '01-introduction/dialogue-01'
    """
    path = (folder or audio_dir()) / MANIFEST_NAME
    if not path.is_file():
        raise FileNotFoundError(f"No audio manifest at {path}; {REBUILD_HINT}.")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{path} has format {manifest.get('format')!r}, this code reads "
                         f"{FORMAT}; {REBUILD_HINT}.")
    return manifest


def save(manifest: dict, folder: Path | None = None) -> Path:
    """Write the manifest with stable key order and one line per field, for readable diffs."""
    path = (folder or audio_dir()) / MANIFEST_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path


def entries_by_id(manifest: dict) -> dict[str, dict]:
    return {entry["id"]: entry for entry in manifest.get("tracks", [])}


def is_current(entry: dict | None, track: Track, folder: Path) -> bool:
    """True when ``entry`` was built from exactly this track's words and its file is intact."""
    if entry is None or entry.get("text_sha256") != track.text_sha256:
        return False
    path = folder / entry["file"]
    return path.is_file() and file_sha256(path) == entry.get("audio_sha256")


def problems(tracks: list[Track], manifest: dict, folder: Path | None = None) -> list[str]:
    """Every way the manifest and files disagree with the lessons; empty when all is current.

    Example:
        >>> from pruneedu.audio.tracks import course_tracks
        >>> problems(course_tracks(), load())
        []
    """
    folder = folder or audio_dir()
    entries = entries_by_id(manifest)
    found = []
    for track in tracks:
        entry = entries.get(track.id)
        if entry is None:
            found.append(f"{track.id} ('{track.title}') has no audio")
            continue
        if entry.get("text_sha256") != track.text_sha256:
            found.append(f"{track.id} ('{track.title}') changed since its audio was built")
        path = folder / entry["file"]
        if not path.is_file():
            found.append(f"{track.id}: its file {entry['file']} is missing")
        elif file_sha256(path) != entry.get("audio_sha256"):
            found.append(f"{track.id}: {entry['file']} is not the file the manifest records")
    wanted = {track.id for track in tracks}
    found += [f"{track_id} is in the manifest but no longer in the lessons"
              for track_id in entries if track_id not in wanted]
    return found
