"""Listening, measured: duration, loudness (EBU R128, LUFS), true and sample peak of an audio
file, read with ffmpeg's ``ebur128`` meter. Used by the build, the tests and the benchmark, so
the numbers they report come from one place.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

_LOUDNESS = re.compile(r"Integrated loudness:\s+I:\s+(-?[\d.]+|-inf) LUFS")
_TRUE_PEAK = re.compile(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS")
_SAMPLE_PEAK = re.compile(r"Sample peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS")


@dataclass(frozen=True)
class Measurement:
    """What a listener would notice about a file: how long, how loud, how close to clipping."""

    duration_s: float
    loudness_lufs: float
    true_peak_dbtp: float
    sample_peak_dbfs: float


def require_ffmpeg() -> str:
    """The ffmpeg executable, or a clear error naming how to install it."""
    found = shutil.which("ffmpeg")
    if not found or not shutil.which("ffprobe"):
        raise RuntimeError("This needs ffmpeg and ffprobe; install ffmpeg (apt install ffmpeg, "
                           "brew install ffmpeg or conda install ffmpeg) and try again.")
    return found


def duration_s(path: Path) -> float:
    """Duration of an audio file in seconds, as ffprobe reads it from the container."""
    require_ffmpeg()
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
        capture_output=True, text=True, check=True)
    return float(json.loads(result.stdout)["format"]["duration"])


def _decibels(match: re.Match | None, what: str, path: Path) -> float:
    if match is None:
        raise RuntimeError(f"ffmpeg printed no {what} for {path}; is it an audio file?")
    return float(match.group(1))


def measure(path: Path) -> Measurement:
    """Decode a file and meter it.

    Example:
        >>> from pruneedu import paths
        >>> m = measure(paths.course_root() / "audio" / "01-introduction" / "dialogue-01.opus")
        >>> -19 < m.loudness_lufs < -17 and m.true_peak_dbtp < -1
        True
    """
    ffmpeg = require_ffmpeg()
    result = subprocess.run(
        [ffmpeg, "-hide_banner", "-nostats", "-i", str(path), "-af",
         "ebur128=peak=true+sample", "-f", "null", "-"],
        capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"ffmpeg could not decode {path}: {result.stderr.strip()[-300:]}")
    summary = result.stderr[result.stderr.rfind("Summary:"):]
    return Measurement(
        duration_s=duration_s(path),
        loudness_lufs=_decibels(_LOUDNESS.search(summary.replace("\n", " ")), "loudness", path),
        true_peak_dbtp=_decibels(_TRUE_PEAK.search(summary.replace("\n", " ")), "true peak",
                                 path),
        sample_peak_dbfs=_decibels(_SAMPLE_PEAK.search(summary.replace("\n", " ")),
                                   "sample peak", path),
    )
