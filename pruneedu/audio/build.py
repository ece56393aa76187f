"""Build the course's audio: speak every stale track, level it, encode it, record it.

Per track: each line is spoken by its voice and levelled to the same loudness (so no voice is
louder than another), lines are joined with short pauses, then ffmpeg's ``loudnorm`` (EBU R128,
two passes, linear gain) sets the whole track to ``TARGET_LUFS``, a last limiter keeps its
peaks down, and ``libopus`` encodes it at ``BITRATE`` (again, lower, if the decoded true peak
passes ``MAX_TRUE_PEAK_DBTP``). The encoder runs with
``+bitexact``, so the same text and engines give the same bytes. Needs the ``[audio]`` extra and
ffmpeg; learners never run this.
"""

from __future__ import annotations

import json
import math
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pruneedu.audio import manifest as manifest_io
from pruneedu.audio.measure import Measurement, measure, require_ffmpeg
from pruneedu.audio.tracks import Track, course_tracks
from pruneedu.audio.voices import (
    CAST,
    SAMPLE_RATE,
    Synthesizer,
    cast_settings,
    engine_versions,
)
from pruneedu.lessons import LESSON_IDS

TARGET_LUFS = -18.0  # speech podcasts sit at -16 to -19; -18 leaves room under the peak
TARGET_PEAK_DBTP = -2.0  # Opus may overshoot a little when decoded; this keeps it off 0 dBFS
LINE_LUFS = TARGET_LUFS  # each line is levelled first, so every voice is equally loud
LIMIT_DBFS = -4.5  # each line's peaks, so the track needs no limiting after normalisation
SAFETY_DBFS = -2.5  # a last limiter after normalisation that should rarely act
MAX_TRUE_PEAK_DBTP = -1.5  # decoded Opus can overshoot the limiter; then encode again lower
BITRATE = "24k"  # mono speech; about 3 kB per second
LEAD_S, AFTER_TITLE_S, BETWEEN_TURNS_S, TAIL_S = 0.3, 0.8, 0.5, 0.6
MIN_METERED_S = 1.0  # shorter lines take their voice's usual gain: too short to meter well


@dataclass
class BuildReport:
    """What a build did: tracks built and kept, files removed, and seconds spent."""

    built: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    audio_s: float = 0.0


def _ffmpeg(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess:
    command = [require_ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "info", *args]
    result = subprocess.run(command, input=stdin, capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({' '.join(args[:6])} ...): "
                           f"{result.stderr.decode(errors='replace')[-500:]}")
    return result


def _raw_input() -> list[str]:
    return ["-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0"]


def _loudness_in(stderr: bytes) -> float:
    text = stderr.decode(errors="replace")
    summary = " ".join(text[text.rfind("Summary:"):].split())
    value = summary.split("I: ", 1)[1].split(" LUFS", 1)[0] if "I: " in summary else "-inf"
    return float(value)


def line_loudness(samples: np.ndarray) -> float:
    """Integrated loudness (LUFS) of mono samples at ``SAMPLE_RATE``; -inf when silent."""
    result = _ffmpeg([*_raw_input(), "-af", "ebur128", "-f", "null", "-"],
                     stdin=samples.astype("<f4").tobytes())
    return _loudness_in(result.stderr)


def limited(samples: np.ndarray) -> tuple[np.ndarray, float]:
    """Samples through a look-ahead limiter at ``LIMIT_DBFS``, and their loudness afterwards."""
    limiter = (f"alimiter=limit={10 ** (LIMIT_DBFS / 20):.4f}:level=false:latency=true,"
               "ebur128")
    result = _ffmpeg([*_raw_input(), "-af", limiter, "-f", "f32le", "-"],
                     stdin=samples.astype("<f4").tobytes())
    out = np.frombuffer(result.stdout, "<f4").copy()
    return out[:len(samples)], _loudness_in(result.stderr)


def _metered(samples: np.ndarray) -> bool:
    return len(samples) >= MIN_METERED_S * SAMPLE_RATE


def _with_usual(values: list[float | None], speakers: list[str]) -> list[float]:
    """Fill each None with the median of that speaker's other values (0 if it has none)."""
    usual = {}
    for speaker in set(speakers):
        known = [v for v, who in zip(values, speakers, strict=True)
                 if who == speaker and v is not None and not math.isinf(v)]
        usual[speaker] = float(np.median(known)) if known else 0.0
    return [usual[who] if v is None or math.isinf(v) else v
            for v, who in zip(values, speakers, strict=True)]


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * SAMPLE_RATE), np.float32)


def level_lines(spoken: list[np.ndarray], speakers: list[str]) -> list[np.ndarray]:
    """Every line at ``LINE_LUFS`` with its peaks under the limiter's ceiling.

    The limiter takes more loudness from a voice with sharp peaks (Piper's) than from a smooth
    one (hibari's), so each line is measured again after limiting and brought back to the target.
    """
    gains = _with_usual([LINE_LUFS - line_loudness(s) if _metered(s) else None
                         for s in spoken], speakers)
    results = [limited(s * np.float32(10 ** (gain / 20)))
               for s, gain in zip(spoken, gains, strict=True)]
    corrections = _with_usual([LINE_LUFS - loudness if _metered(s) else None
                               for (s, loudness) in results], speakers)
    return [s * np.float32(10 ** (c / 20))
            for (s, _), c in zip(results, corrections, strict=True)]


def speak_track(track: Track, synthesizer: Synthesizer) -> tuple[np.ndarray, list[float]]:
    """The track's lines spoken, levelled and joined; returns samples and each line's start (s)."""
    synthesizer.start_track()
    spoken = [synthesizer.speak(text, CAST[speaker]) for speaker, text in track.lines]
    levelled = level_lines(spoken, [speaker for speaker, _ in track.lines])
    pieces, starts, position = [_silence(LEAD_S)], [], LEAD_S
    for number, samples in enumerate(levelled):
        starts.append(round(position, 2))
        pause = AFTER_TITLE_S if number == 0 else BETWEEN_TURNS_S
        pause = TAIL_S if number == len(levelled) - 1 else pause
        pieces += [samples, _silence(pause)]
        position += (len(samples) + len(pieces[-1])) / SAMPLE_RATE
    return np.concatenate(pieces), starts


def encode(samples: np.ndarray, destination: Path, metadata: dict[str, str],
           safety_dbfs: float = SAFETY_DBFS) -> None:
    """Two-pass EBU R128 normalisation, then Opus in Ogg, written reproducibly."""
    raw = samples.astype("<f4").tobytes()
    target = f"I={TARGET_LUFS}:TP={TARGET_PEAK_DBTP}:LRA=11"
    safety = f"alimiter=limit={10 ** (safety_dbfs / 20):.4f}:level=false:latency=true"
    first = _ffmpeg([*_raw_input(), "-af", f"loudnorm={target}:print_format=json",
                     "-f", "null", "-"], stdin=raw)
    text = first.stderr.decode(errors="replace")
    measured = json.loads(text[text.rindex("{"):text.rindex("}") + 1])
    second_pass = (f"loudnorm={target}:linear=true:measured_I={measured['input_i']}"
                   f":measured_TP={measured['input_tp']}:measured_LRA={measured['input_lra']}"
                   f":measured_thresh={measured['input_thresh']}"
                   f":offset={measured['target_offset']},aresample={SAMPLE_RATE}"
                   f",{safety},aformat=channel_layouts=mono")
    tags = [arg for key, value in metadata.items() for arg in ("-metadata", f"{key}={value}")]
    destination.parent.mkdir(parents=True, exist_ok=True)
    _ffmpeg([*_raw_input(), "-af", second_pass, "-c:a", "libopus", "-b:a", BITRATE,
             "-vbr", "on", "-application", "audio", "-map_metadata", "-1", *tags,
             "-fflags", "+bitexact", "-flags:a", "+bitexact", "-y", str(destination)], stdin=raw)


def build(lesson_ids: tuple[str, ...] = LESSON_IDS, folder: Path | None = None,
          force: bool = False, progress: bool = True,
          only: set[str] | None = None) -> BuildReport:
    """Rebuild every track whose words or voices changed (all of them with ``force``), update
    the manifest, and remove files no track uses any more. ``only`` (track ids) limits the
    build to those tracks, e.g. to check that a rebuild repeats the same bytes.

    Example:
        >>> report = build(("01-introduction",))  # doctest: +SKIP
        >>> report.built                           # doctest: +SKIP
        ['01-introduction/dialogue-01', ...]
    """
    from tqdm.auto import tqdm

    folder = folder or manifest_io.audio_dir()
    try:
        old = manifest_io.load(folder)
    except (FileNotFoundError, ValueError):
        old = {"tracks": []}
    previous = manifest_io.entries_by_id(old)
    tracks = [t for t in course_tracks(lesson_ids) if only is None or t.id in only]
    building = {t.id for t in tracks if force or not manifest_io.is_current(previous.get(t.id), t,
                                                                            folder)}
    report = BuildReport()
    synthesizer = Synthesizer() if building else None
    # Tracks of lessons not rebuilt now stay as they are.
    entries = {i: e for i, e in previous.items()
               if e.get("lesson") not in lesson_ids or (only is not None and i not in only)}
    for track in tqdm(tracks, desc="Audio tracks", unit="track", disable=not progress):
        if track.id not in building:
            entries[track.id] = previous[track.id]
            report.kept.append(track.id)
            continue
        samples, starts = speak_track(track, synthesizer)
        path = folder / track.file
        tags = {"title": track.title, "album": _lesson_title(track), "artist": "PruneEdu",
                "genre": "Speech"}
        safety = SAFETY_DBFS
        for _ in range(3):
            encode(samples, path, tags, safety)
            measured = measure(path)
            if measured.true_peak_dbtp <= MAX_TRUE_PEAK_DBTP:
                break
            safety -= measured.true_peak_dbtp - MAX_TRUE_PEAK_DBTP + 0.5
        entries[track.id] = _entry(track, path, starts, measured)
        report.built.append(track.id)
        report.audio_s += len(samples) / SAMPLE_RATE
    manifest = {"format": manifest_io.FORMAT, "engines": engine_versions(),
                "voices": cast_settings(), "tracks": sorted(entries.values(),
                                                            key=_track_order)}
    manifest_io.save(manifest, folder)
    used = {entry["file"] for entry in manifest["tracks"]}
    for orphan in sorted(folder.rglob("*.opus")):
        if orphan.relative_to(folder).as_posix() not in used:
            orphan.unlink()
            report.removed.append(orphan.relative_to(folder).as_posix())
    return report


def _lesson_title(track: Track) -> str:
    from pruneedu.lessons import load_lesson

    return load_lesson(track.lesson_id).title


def _track_order(entry: dict) -> tuple:
    from pruneedu.audio.tracks import KINDS

    return (entry["lesson"], KINDS.index(entry["kind"]), entry["index"])


def _entry(track: Track, path: Path, starts: list[float], measured: Measurement) -> dict:
    return {
        "id": track.id, "lesson": track.lesson_id, "kind": track.kind, "index": track.index,
        "title": track.title, "file": track.file,
        "lines": [{"speaker": speaker, "text": text, "start_s": start}
                  for (speaker, text), start in zip(track.lines, starts, strict=True)],
        "words": track.words, "text_sha256": track.text_sha256,
        "audio_sha256": manifest_io.file_sha256(path),
        "duration_s": round(measured.duration_s, 2),
        "loudness_lufs": round(measured.loudness_lufs, 1),
        "true_peak_dbtp": round(measured.true_peak_dbtp, 1),
    }
