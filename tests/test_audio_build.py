"""The build pipeline without the speech engines: a stand-in synthesiser makes noise bursts
(one per word, some voices 20 dB quieter than others), and the real levelling, ffmpeg
normalisation, Opus encoding, manifest and staleness logic run on them."""

import shutil
import subprocess

import numpy as np
import pytest

from pruneedu.audio import build as audio_build
from pruneedu.audio import manifest
from pruneedu.audio.measure import measure
from pruneedu.audio.voices import SAMPLE_RATE

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None,
                                reason="AUDIO BUILD TESTS NOT RUN: ffmpeg is missing "
                                       "(apt install ffmpeg); .ci/run installs it")

LESSON = """# Lesson 1 - A tiny lesson

## Summary: Basic

**Pruning.** You remove weights that matter little.

## Summary: Medium

**Pruning.** You remove weights that matter little, then fine-tune.

## Summary: Detailed

**Masks.** A mask of zeros and ones switches connections off.

## Key concepts

- **Pruning** - removing weights.

## Real-world examples

- **Phones.** Small models.

## Memory aids

- **Gardening.** Cut the dead branches.

## Dialogue

### Why prune

**Teacher:** Why would you change a model that works?

**Maya:** Because it has to run on a phone with little memory.

{extra}
## FAQ

### Is it hard?

No.

## Glossary

- `pruning` - Pruning
"""
SECOND_SEGMENT = """### A second thought

**Leo:** And the battery lasts longer too.
"""
AMPLITUDE = {"Teacher": 0.5, "Maya": 0.05, "Leo": 0.2, "Priya": 0.3, "Tom": 0.1}


class NoiseSynthesizer:
    """Speaks one 0.3 s noise burst per word, at a level that depends on the voice."""

    def __init__(self, *args, **kwargs):
        self.calls = 0

    def start_track(self):
        self.rng = np.random.default_rng(0)

    def speak(self, text, voice):
        self.calls += 1
        speaker = next(name for name, v in audio_build.CAST.items() if v == voice)
        bursts = []
        for _ in text.split():
            burst = self.rng.standard_normal(int(0.3 * SAMPLE_RATE)).astype(np.float32)
            bursts += [burst * np.hanning(len(burst)).astype(np.float32) * AMPLITUDE[speaker],
                       np.zeros(int(0.05 * SAMPLE_RATE), np.float32)]
        return np.concatenate(bursts)


@pytest.fixture()
def course(tmp_path, monkeypatch):
    """A course root holding one tiny lesson (as 01-introduction) and an empty audio folder."""
    (tmp_path / "lessons").mkdir()
    monkeypatch.setenv("PRUNEEDU_COURSE_ROOT", str(tmp_path))
    monkeypatch.setattr(audio_build, "Synthesizer", NoiseSynthesizer)
    write_lesson(tmp_path, LESSON.format(extra=""))
    return tmp_path


def write_lesson(root, text):
    (root / "lessons" / "01-introduction.md").write_text(text)


def build(root, **kwargs):
    return audio_build.build(("01-introduction",), folder=root / "audio", progress=False,
                             **kwargs)


def test_build_writes_every_track_and_a_manifest_with_no_problems(course):
    report = build(course)
    assert report.built == ["01-introduction/dialogue-01", "01-introduction/basic-01",
                            "01-introduction/medium-01", "01-introduction/detailed-01"]
    from pruneedu.audio.tracks import course_tracks

    recorded = manifest.load(course / "audio")
    assert manifest.problems(course_tracks(("01-introduction",)), recorded,
                             course / "audio") == []
    entry = recorded["tracks"][0]
    assert [line["speaker"] for line in entry["lines"]] == ["Teacher", "Teacher", "Maya"]
    starts = [line["start_s"] for line in entry["lines"]]
    assert starts[0] == audio_build.LEAD_S and starts == sorted(starts)
    assert entry["duration_s"] == pytest.approx(measure(course / "audio" / entry["file"])
                                                .duration_s, abs=0.05)


def test_rebuild_speaks_only_what_changed_and_removes_old_files(course):
    build(course)
    assert build(course).built == []  # nothing changed: nothing spoken again
    before = {e["id"]: e["audio_sha256"] for e in manifest.load(course / "audio")["tracks"]}
    write_lesson(course, LESSON.format(extra=SECOND_SEGMENT).replace("little memory",
                                                                     "very little memory"))
    report = build(course)
    assert report.built == ["01-introduction/dialogue-01", "01-introduction/dialogue-02"]
    after = {e["id"]: e["audio_sha256"] for e in manifest.load(course / "audio")["tracks"]}
    assert after["01-introduction/basic-01"] == before["01-introduction/basic-01"]
    assert after["01-introduction/dialogue-01"] != before["01-introduction/dialogue-01"]
    write_lesson(course, LESSON.format(extra=""))
    report = build(course)
    assert report.removed == ["01-introduction/dialogue-02.opus"]
    assert not (course / "audio" / "01-introduction" / "dialogue-02.opus").exists()


def test_the_same_text_gives_the_same_bytes(course):
    build(course)
    first = {e["id"]: e["audio_sha256"] for e in manifest.load(course / "audio")["tracks"]}
    build(course, force=True)
    again = {e["id"]: e["audio_sha256"] for e in manifest.load(course / "audio")["tracks"]}
    assert again == first


def _line_loudness(path, start, end):
    decoded = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-ss", str(start),
                              "-to", str(end), "-f", "f32le", "-ac", "1", "-ar",
                              str(SAMPLE_RATE), "-"], capture_output=True, check=True).stdout
    return audio_build.line_loudness(np.frombuffer(decoded, "<f4"))


def test_voices_are_levelled_and_the_track_normalised_without_clipping(course):
    build(course)
    entry = manifest.load(course / "audio")["tracks"][0]
    path = course / "audio" / entry["file"]
    starts = [line["start_s"] for line in entry["lines"]] + [entry["duration_s"]]
    # Teacher's line is 20 dB louder than Maya's before levelling; afterwards within 1 LU.
    teacher = _line_loudness(path, starts[1], starts[2])
    maya = _line_loudness(path, starts[2], starts[3])
    assert abs(teacher - maya) < 1.0
    measured = measure(path)
    assert measured.loudness_lufs == pytest.approx(audio_build.TARGET_LUFS, abs=1.0)
    assert measured.true_peak_dbtp <= -1.0


def test_a_missing_engine_is_named_with_the_command_that_installs_it(monkeypatch):
    from pruneedu.audio import voices

    monkeypatch.setattr(voices, "engine_versions", lambda: {"piper-tts": "missing"})
    with pytest.raises(RuntimeError, match=r"piper-tts.*\[audio\]"):
        voices.Synthesizer()


def test_a_build_limited_to_some_tracks_keeps_the_others(course):
    build(course)
    before = manifest.load(course / "audio")["tracks"]
    report = build(course, force=True, only={"01-introduction/basic-01"})
    assert report.built == ["01-introduction/basic-01"] and report.removed == []
    assert [e["id"] for e in manifest.load(course / "audio")["tracks"]] == \
        [e["id"] for e in before]
