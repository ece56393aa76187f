"""`pruneedu audio export`: ordinary files a phone or podcast app plays, with a title and one
chapter per segment (checked with ffprobe), and `pruneedu audio check` on the shipped audio."""

import json
import shutil
import subprocess

import pytest

from pruneedu import cli
from pruneedu.audio import manifest
from pruneedu.audio.export import chapters_metadata, export

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffprobe") is None,
                                  reason="AUDIO EXPORT TESTS NOT RUN: ffmpeg/ffprobe missing "
                                         "(apt install ffmpeg); .ci/run installs it")


def ffprobe(path):
    result = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-show_format",
                             "-show_streams",
                             "-of", "json", str(path)], capture_output=True, text=True,
                            check=True)
    return json.loads(result.stdout)


def _tags(probe):
    """Container tags (MP4) and stream tags (Ogg keeps its tags as Vorbis comments) together."""
    tags = dict(probe["format"].get("tags", {}))
    for stream in probe["streams"]:
        tags.update(stream.get("tags", {}))
    return {key.lower(): value for key, value in tags.items()}


@needs_ffmpeg
@pytest.mark.parametrize("audio_format", ["opus", "m4a"])
def test_export_writes_one_file_per_recording_with_chapters(tmp_path, audio_format):
    kinds = ("dialogue", "basic") if audio_format == "opus" else ("dialogue",)
    written = export(tmp_path, audio_format, ("01-introduction",), kinds)
    assert [p.name for p in written] == \
        [f"01-introduction-1-conversation.{audio_format}",
         f"01-introduction-2-audio-book-basic.{audio_format}"][:len(kinds)]
    entries = [e for e in manifest.load()["tracks"]
               if e["lesson"] == "01-introduction" and e["kind"] == "dialogue"]
    probe = ffprobe(written[0])
    assert [c["tags"]["title"] for c in probe["chapters"]] == [e["title"] for e in entries]
    total = sum(e["duration_s"] for e in entries)
    assert float(probe["format"]["duration"]) == pytest.approx(total, abs=0.5)
    assert float(probe["chapters"][-1]["end_time"]) == pytest.approx(total, abs=0.05)
    assert _tags(probe)["title"] == "Lesson 1 - Introduction to pruning: Conversation"
    assert _tags(probe)["artist"] == "PruneEdu"


def test_chapter_titles_cannot_break_the_metadata_file():
    text = chapters_metadata("T", "A", 1, [("evil\n[CHAPTER]\ntitle=x;#", 1.0)])
    assert text.splitlines().count("[CHAPTER]") == 1
    assert "title=evil [CHAPTER] title\\=x\\;\\#" in text


def test_export_refuses_an_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="choose one of: opus, m4a"):
        export(tmp_path, "mp3")


def test_audio_check_passes_on_the_shipped_audio(capsys):
    assert cli.main(["audio", "check"]) == 0
    assert "Every recording matches its lesson text." in capsys.readouterr().out


def test_audio_check_names_stale_recordings(tmp_path, monkeypatch, capsys):
    shutil.copytree(manifest.audio_dir().parent / "lessons", tmp_path / "lessons")
    shutil.copytree(manifest.audio_dir(), tmp_path / "audio")
    lesson = tmp_path / "lessons" / "02-weight-vs-node.md"
    lesson.write_text(lesson.read_text().replace("**Teacher:**", "**Teacher:** Well.", 1))
    monkeypatch.setenv("PRUNEEDU_COURSE_ROOT", str(tmp_path))
    assert cli.main(["audio", "check"]) == 1
    captured = capsys.readouterr()
    assert "stale: 02-weight-vs-node/dialogue-01" in captured.out
    assert "make audio" in captured.err
