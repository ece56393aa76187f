"""The course's audio, measured: build time on this machine's cores, size on disk, speaking
rate, loudness and peaks, and intelligibility (word error rate of an offline recogniser,
pocketsphinx, against the words each voice was given), per voice.

    .venv/bin/python benchmarks/bench_audio.py            # shipped: size, rate, loudness, WER
    .venv/bin/python benchmarks/bench_audio.py --rebuild  # first rebuild audio/, timed ([audio])
    .venv/bin/python benchmarks/bench_audio.py --engines  # + candidate engines ([audio])

Timings are against a baseline run in the same process: espeak-ng (Debian's formant synthesiser)
speaking the same words, so a slower or faster machine moves both. Numbers in README and
benchmarks/README.md come from this script.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pruneedu.audio import manifest  # noqa: E402
from pruneedu.audio.build import SAMPLE_RATE, line_loudness  # noqa: E402
from pruneedu.audio.measure import measure  # noqa: E402
from pruneedu.audio.speakable import word_count  # noqa: E402
from pruneedu.audio.tracks import KINDS, course_tracks  # noqa: E402
from pruneedu.audio.voices import CAST  # noqa: E402

RECOGNISER = "pocketsphinx_continuous"


def table(title: str, header: list[str], rows: list[list], goal: str | None = None,
          passed: bool | None = None) -> None:
    """Print a Markdown table, then its goal and PASS or FAIL."""
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    if goal:
        print(f"\nGoal: {goal}. **{'PASS' if passed else 'FAIL'}**")


def decode(path: Path, start: float = 0.0, end: float | None = None,
           rate: int = SAMPLE_RATE) -> np.ndarray:
    span = ["-ss", f"{start:.3f}"] + (["-to", f"{end:.3f}"] if end is not None else [])
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), *span, "-f", "f32le",
                          "-ac", "1", "-ar", str(rate), "-"], capture_output=True, check=True)
    return np.frombuffer(out.stdout, "<f4")


def median_f0(samples: np.ndarray, rate: int = 16_000) -> float:
    """Median pitch of the voiced frames (autocorrelation; enough to tell voices apart)."""
    frame, hop, level = 640, 320, np.sqrt(np.mean(samples ** 2))
    found = []
    for start in range(0, len(samples) - frame, hop):
        piece = samples[start:start + frame] - samples[start:start + frame].mean()
        if np.sqrt(np.mean(piece ** 2)) < 0.7 * level:
            continue
        correlation = np.correlate(piece, piece, "full")[frame - 1:]
        low, high = rate // 400, rate // 60
        lag = low + int(np.argmax(correlation[low:high]))
        if correlation[lag] > 0.5 * correlation[0]:
            found.append(rate / lag)
    return float(np.median(found)) if found else float("nan")


def words_of(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]", " ", text.lower().replace("-", " ")).split()


def errors(reference: list[str], hypothesis: list[str]) -> int:
    """Word-level edit distance (substitutions, insertions, deletions)."""
    row = list(range(len(hypothesis) + 1))
    for i, word in enumerate(reference, 1):
        previous, row[0] = row[0], i
        for j, heard in enumerate(hypothesis, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (word != heard))
    return row[-1]


def transcribe(samples: np.ndarray, rate: int) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        raw = Path(scratch) / "in.f32"
        wav = Path(scratch) / "in.wav"
        raw.write_bytes(samples.astype("<f4").tobytes())
        subprocess.run(["ffmpeg", "-v", "error", "-f", "f32le", "-ar", str(rate), "-ac", "1",
                        "-i", str(raw), "-ar", "16000", "-c:a", "pcm_s16le", str(wav)],
                       check=True)
        out = subprocess.run([RECOGNISER, "-infile", str(wav), "-logfn", os.devnull],
                             capture_output=True, text=True)
    return " ".join(out.stdout.split())


def shipped_tables() -> None:
    folder = manifest.audio_dir()
    entries = manifest.load()["tracks"]
    measured = {e["id"]: measure(folder / e["file"]) for e in entries}
    rows, total_bytes, total_s, group_rates = [], 0, 0.0, []
    for kind in KINDS:
        chosen = [e for e in entries if e["kind"] == kind]
        size = sum((folder / e["file"]).stat().st_size for e in chosen)
        seconds = sum(measured[e["id"]].duration_s for e in chosen)
        words = sum(e["words"] for e in chosen)
        rates = [e["words"] / measured[e["id"]].duration_s * 60 for e in chosen]
        total_bytes, total_s = total_bytes + size, total_s + seconds
        for lesson in sorted({e["lesson"] for e in chosen}):
            mine = [e for e in chosen if e["lesson"] == lesson]
            group_rates.append(sum(e["words"] for e in mine) * 60
                               / sum(measured[e["id"]].duration_s for e in mine))
        rows.append([kind, len(chosen), f"{seconds / 60:.1f}", f"{size / 1e6:.2f}",
                     f"{size * 8 / seconds / 1000:.1f}", f"{words / seconds * 60:.0f}",
                     f"{min(rates):.0f}-{max(rates):.0f}"])
    rows.append(["all", len(entries), f"{total_s / 60:.1f}", f"{total_bytes / 1e6:.2f}",
                 f"{total_bytes * 8 / total_s / 1000:.1f}", "", ""])
    table("Shipped audio: size and speaking rate (pauses included)",
          ["recording", "tracks", "minutes", "MB", "kbit/s", "words/min", "per track"], rows,
          goal=f"whole course under 20 MB; each lesson's recording 140-180 words/min "
               f"(here {min(group_rates):.0f}-{max(group_rates):.0f})",
          passed=total_bytes < 20 * 1024 * 1024 and 140 <= min(group_rates)
          and max(group_rates) <= 180)
    loudness = [m.loudness_lufs for m in measured.values()]
    peaks = [m.true_peak_dbtp for m in measured.values()]
    samples = [m.sample_peak_dbfs for m in measured.values()]
    table("Shipped audio: loudness (EBU R128) and peaks over all tracks",
          ["measure", "min", "max", "spread"],
          [["integrated loudness, LUFS", min(loudness), max(loudness),
            f"{max(loudness) - min(loudness):.1f} LU"],
           ["true peak, dBTP", min(peaks), max(peaks), ""],
           ["sample peak, dBFS", min(samples), max(samples), ""]],
          goal="loudness spread at most 1 LU, true peak at most -1 dBTP",
          passed=max(loudness) - min(loudness) <= 1.0 and max(peaks) <= -1.0)


def per_voice_tables(with_wer: bool) -> None:
    """Each dialogue line, cut from the shipped files: loudness, pitch and WER per speaker."""
    folder = manifest.audio_dir()
    stats: dict[str, dict] = {name: {"lufs": [], "f0": [], "errors": 0, "words": 0, "s": 0.0}
                              for name in CAST}
    for entry in manifest.load()["tracks"]:
        if entry["kind"] != "dialogue":
            continue
        path = folder / entry["file"]
        ends = [line["start_s"] for line in entry["lines"][1:]] + [entry["duration_s"]]
        for line, end in zip(entry["lines"], ends, strict=True):
            samples = decode(path, line["start_s"], end)
            record = stats[line["speaker"]]
            if len(samples) > SAMPLE_RATE:
                record["lufs"].append(line_loudness(samples))
            record["f0"].append(median_f0(decode(path, line["start_s"], end, 16_000)))
            record["s"] += len(samples) / SAMPLE_RATE
            if with_wer:
                reference = words_of(line["text"])
                record["errors"] += errors(reference, words_of(transcribe(samples, SAMPLE_RATE)))
                record["words"] += len(reference)
    rows, medians = [], []
    for name, record in stats.items():
        medians.append(float(np.median(record["lufs"])))
        wer = f"{record['errors'] / record['words']:.1%}" if record["words"] else "-"
        rows.append([name, CAST[name].description, f"{np.median(record['lufs']):.1f}",
                     f"{np.nanmedian(record['f0']):.0f}", f"{record['s']:.0f}", wer])
    table("Per voice (every dialogue line, cut from the shipped files)",
          ["speaker", "voice", "median line LUFS", "median F0 Hz", "seconds", "WER"], rows,
          goal="every voice as loud as the others (medians within 1 LU)",
          passed=max(medians) - min(medians) <= 1.0)


def espeak_seconds(texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        subprocess.run(["espeak-ng", "-v", "en-us", "--stdout", text], capture_output=True,
                       check=True)
    return time.perf_counter() - started


def build_table(repeat: int = 3) -> None:
    """Rebuild the shipped audio in place (what `make audio` does after every lesson changed),
    timed; then speak a few tracks again into a scratch folder to see if the bytes repeat."""
    from pruneedu.audio.build import build

    texts = [text for track in course_tracks() for _, text in track.lines]
    started = time.perf_counter()
    report = build(force=True, progress=True)
    seconds = time.perf_counter() - started
    baseline = espeak_seconds(texts)
    table(f"Building the whole course's audio on {os.cpu_count()} cores",
          ["what", "seconds", "speech minutes", "x real time", "vs espeak-ng"],
          [["pruneedu audio build --force", f"{seconds:.0f}", f"{report.audio_s / 60:.1f}",
            f"{report.audio_s / seconds:.1f}", f"{seconds / baseline:.0f}x slower"],
           ["espeak-ng, same words (baseline)", f"{baseline:.1f}", "", "", "1x"]],
          goal="the whole course rebuilt in under 15 minutes", passed=seconds < 900)
    shipped = manifest.load()["tracks"]
    chosen = {e["lesson"] for e in shipped}
    sample = sorted(shipped, key=lambda e: e["duration_s"])[:repeat]
    with tempfile.TemporaryDirectory() as scratch:
        again = build(tuple(sorted(chosen)), folder=Path(scratch), progress=False,
                      only={e["id"] for e in sample})
        rebuilt = manifest.entries_by_id(manifest.load(Path(scratch)))
    same = sum(rebuilt[e["id"]]["audio_sha256"] == e["audio_sha256"] for e in sample)
    print(f"\nSpoken again into a scratch folder: {same} of {len(again.built)} tracks "
          "byte-identical to the files just built.")


def engines_table(sample_size: int = 8) -> None:
    """Candidate engines and the cast on the same dialogue lines: rate, pitch and WER."""
    from pruneedu.audio.voices import Synthesizer, Voice

    lines = [text for track in course_tracks() if track.kind == "dialogue"
             for _, text in track.lines[1:]][:sample_size]
    synthesizer = Synthesizer()

    def espeak(text: str, voice: str) -> np.ndarray:
        out = subprocess.run(["espeak-ng", "-v", voice, "--stdout", text], capture_output=True,
                             check=True).stdout
        return decode_bytes(out)

    def flite(text: str, voice: str) -> np.ndarray:
        with tempfile.TemporaryDirectory() as scratch:
            source = Path(scratch) / "text.txt"
            source.write_text(text)
            out = Path(scratch) / "out.wav"
            subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                            f"flite=textfile={source}:voice={voice}", str(out)], check=True)
            return decode(out)

    candidates = {
        "espeak-ng en-us (Debian)": lambda t: espeak(t, "en-us"),
        "flite rms (in ffmpeg)": lambda t: flite(t, "rms"),
        "flite slt (in ffmpeg)": lambda t: flite(t, "slt"),
        "Piper joe, as shipped": lambda t: synthesizer.speak(t, Voice("piper-joe")),
        "hibari heart, as shipped": lambda t: synthesizer.speak(t, Voice("hibari-heart")),
        **{f"cast: {name}": (lambda t, v=voice: synthesizer.speak(t, v))
           for name, voice in CAST.items()},
    }
    rows = []
    for name, speak in candidates.items():
        synthesizer.start_track()
        errors_total, words_total, seconds, pitches = 0, 0, 0.0, []
        started = time.perf_counter()
        spoken = [speak(text) for text in lines]
        synth_s = time.perf_counter() - started
        for text, samples in zip(lines, spoken, strict=True):
            reference = words_of(text)
            errors_total += errors(reference, words_of(transcribe(samples, SAMPLE_RATE)))
            words_total += len(reference)
            seconds += len(samples) / SAMPLE_RATE
            pitches.append(median_f0(resample_16k(samples)))
        rows.append([name, f"{sum(word_count(t) for t in lines) / seconds * 60:.0f}",
                     f"{np.nanmedian(pitches):.0f}", f"{seconds / synth_s:.0f}",
                     f"{errors_total / words_total:.1%}"])
    table(f"Engines on the same {len(lines)} dialogue lines (no pauses between them)",
          ["voice", "words/min", "median F0 Hz", "x real time", "WER (pocketsphinx)"], rows)


def decode_bytes(wav: bytes) -> np.ndarray:
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", "pipe:0", "-f", "f32le", "-ac", "1",
                          "-ar", str(SAMPLE_RATE), "-"], input=wav, capture_output=True,
                         check=True)
    return np.frombuffer(out.stdout, "<f4")


def resample_16k(samples: np.ndarray) -> np.ndarray:
    out = subprocess.run(["ffmpeg", "-v", "error", "-f", "f32le", "-ar", str(SAMPLE_RATE),
                          "-ac", "1", "-i", "pipe:0", "-f", "f32le", "-ar", "16000", "-"],
                         input=samples.astype("<f4").tobytes(), capture_output=True,
                         check=True)
    return np.frombuffer(out.stdout, "<f4")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true",
                        help="first rebuild audio/ in place, timed (needs the [audio] extra)")
    parser.add_argument("--engines", action="store_true", help="also compare candidate engines")
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        sys.exit("bench_audio needs ffmpeg; install it (apt install ffmpeg) and run it again.")
    with_wer = shutil.which(RECOGNISER) is not None
    if not with_wer:
        print(f"NOTE: {RECOGNISER} is missing (apt install pocketsphinx pocketsphinx-en-us): "
              "no word error rates.")
    if args.rebuild:
        build_table()
    shipped_tables()
    per_voice_tables(with_wer)
    if args.engines and with_wer:
        engines_table()


if __name__ == "__main__":
    main()
