"""Every shipped recording, decoded and measured as a listener would notice it: long enough for
its words at a comfortable pace, equally loud, never clipping, small enough to ship."""

import os
import shutil
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

from pruneedu.audio import manifest
from pruneedu.audio.build import TARGET_LUFS
from pruneedu.audio.measure import measure

RATE_RANGE_WPM = (140, 180)  # a lesson's recording of one kind, pauses included
TRACK_RATE_RANGE_WPM = (115, 205)  # one track: short ones vary more; outside this, it is garbled
MAX_COURSE_BYTES = 20 * 1024 * 1024


@pytest.fixture(scope="module")
def measured():
    if shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None:
        reason = "AUDIO FILE TESTS NOT RUN: ffmpeg/ffprobe missing (apt install ffmpeg)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; .ci/run must install it.")
        warnings.warn(reason, stacklevel=1)
        pytest.skip(reason)
    folder = manifest.audio_dir()
    entries = manifest.load()["tracks"]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:  # each meter is an ffmpeg
        results = list(pool.map(lambda entry: measure(folder / entry["file"]), entries))
    return {entry["id"]: (entry, m) for entry, m in zip(entries, results, strict=True)}


def test_every_file_decodes_to_the_duration_the_manifest_records(measured):
    for track_id, (entry, m) in measured.items():
        assert m.duration_s == pytest.approx(entry["duration_s"], abs=0.1), track_id
        assert entry["lines"][-1]["start_s"] < m.duration_s, track_id


def test_speaking_rate_fits_the_words(measured):
    for track_id, (entry, m) in measured.items():
        rate = entry["words"] / m.duration_s * 60
        assert TRACK_RATE_RANGE_WPM[0] <= rate <= TRACK_RATE_RANGE_WPM[1], (track_id, rate)
    groups = {}
    for entry, m in measured.values():
        words, seconds = groups.get((entry["lesson"], entry["kind"]), (0, 0.0))
        groups[(entry["lesson"], entry["kind"])] = (words + entry["words"], seconds + m.duration_s)
    for group, (words, seconds) in groups.items():
        rate = words / seconds * 60
        assert RATE_RANGE_WPM[0] <= rate <= RATE_RANGE_WPM[1], (group, rate)


def test_no_file_clips(measured):
    for track_id, (_, m) in measured.items():
        assert m.true_peak_dbtp <= -1.0, (track_id, m.true_peak_dbtp)
        assert m.sample_peak_dbfs < -1.0, (track_id, m.sample_peak_dbfs)


def test_every_file_is_equally_loud(measured):
    loudness = [m.loudness_lufs for _, m in measured.values()]
    assert max(loudness) - min(loudness) <= 1.0, loudness
    assert all(abs(value - TARGET_LUFS) <= 1.0 for value in loudness), loudness


def test_the_course_audio_is_small_enough_to_ship(measured):
    folder = manifest.audio_dir()
    sizes = {track_id: (folder / entry["file"]).stat().st_size
             for track_id, (entry, _) in measured.items()}
    assert sum(sizes.values()) < MAX_COURSE_BYTES
    for track_id, (_, m) in measured.items():
        kilobits_per_second = sizes[track_id] * 8 / m.duration_s / 1000
        assert kilobits_per_second < 32, (track_id, kilobits_per_second)  # Opus at ~24 kbit/s
