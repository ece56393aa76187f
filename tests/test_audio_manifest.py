"""The manifest ties every recording to the exact words it speaks: these tests make sure a
changed lesson, a changed voice, a missing or swapped file each show up as a problem, and that
the shipped audio/ matches the lessons as they are now."""

import dataclasses
import json

import pytest

from pruneedu.audio import manifest, voices
from pruneedu.audio.tracks import KINDS, Track, course_tracks, lesson_tracks
from pruneedu.lessons import LESSON_IDS, load_lesson


def _track(text="Why prune at all?", index=1):
    return Track("01-introduction", "dialogue", index, "Why prune",
                 (("Teacher", "Why prune."), ("Maya", text)))


def _write(folder, tracks):
    """A manifest for ``tracks`` with a small fake file each, as a build would leave it."""
    entries = []
    for track in tracks:
        path = folder / track.file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f"audio of {track.id}".encode())
        entries.append({"id": track.id, "lesson": track.lesson_id, "kind": track.kind,
                        "index": track.index, "title": track.title, "file": track.file,
                        "text_sha256": track.text_sha256,
                        "audio_sha256": manifest.file_sha256(path)})
    manifest.save({"format": manifest.FORMAT, "tracks": entries}, folder)
    return manifest.load(folder)


def test_a_current_manifest_has_no_problems(tmp_path):
    tracks = [_track(), _track(index=2)]
    assert manifest.problems(tracks, _write(tmp_path, tracks), tmp_path) == []


def test_a_changed_line_makes_its_track_stale(tmp_path):
    recorded = _write(tmp_path, [_track()])
    found = manifest.problems([_track("Why prune at all, then?")], recorded, tmp_path)
    assert found == ["01-introduction/dialogue-01 ('Why prune') changed since its audio was "
                     "built"]


def test_a_changed_voice_makes_tracks_with_that_speaker_stale(tmp_path, monkeypatch):
    recorded = _write(tmp_path, [_track()])
    quicker = dataclasses.replace(voices.CAST["Maya"], speed=1.2)
    monkeypatch.setitem(voices.CAST, "Maya", quicker)
    assert len(manifest.problems([_track()], recorded, tmp_path)) == 1
    only_teacher = Track("x", "basic", 1, "T", (("Teacher", "Hi."),))
    recorded = _write(tmp_path, [only_teacher])
    monkeypatch.setitem(voices.CAST, "Maya", dataclasses.replace(quicker, speed=0.8))
    assert manifest.problems([only_teacher], recorded, tmp_path) == []


def test_missing_and_extra_tracks_are_both_reported(tmp_path):
    recorded = _write(tmp_path, [_track(index=1), _track(index=2)])
    found = manifest.problems([_track(index=1), _track(index=3)], recorded, tmp_path)
    assert found == ["01-introduction/dialogue-03 ('Why prune') has no audio",
                     "01-introduction/dialogue-02 is in the manifest but no longer in the "
                     "lessons"]


def test_a_missing_or_swapped_file_is_reported(tmp_path):
    tracks = [_track(index=1), _track(index=2)]
    recorded = _write(tmp_path, tracks)
    (tmp_path / tracks[0].file).unlink()
    (tmp_path / tracks[1].file).write_bytes(b"some other recording")
    found = manifest.problems(tracks, recorded, tmp_path)
    assert found == ["01-introduction/dialogue-01: its file 01-introduction/dialogue-01.opus "
                     "is missing",
                     "01-introduction/dialogue-02: 01-introduction/dialogue-02.opus is not "
                     "the file the manifest records"]
    assert not manifest.is_current(recorded["tracks"][1], tracks[1], tmp_path)


def test_an_old_manifest_format_is_refused_with_what_to_do(tmp_path):
    (tmp_path / manifest.MANIFEST_NAME).write_text(json.dumps({"format": 0, "tracks": []}))
    with pytest.raises(ValueError, match="make audio"):
        manifest.load(tmp_path)
    with pytest.raises(FileNotFoundError, match="make audio"):
        manifest.load(tmp_path / "nowhere")


def test_tracks_follow_the_lesson_structure():
    lesson = load_lesson("02-weight-vs-node")
    tracks = lesson_tracks(lesson)
    dialogue = [t for t in tracks if t.kind == "dialogue"]
    assert [t.title for t in dialogue] == [s.title for s in lesson.dialogue_segments()]
    assert [speaker for speaker, _ in dialogue[0].lines[1:]] == \
        [speaker for speaker, _ in lesson.dialogue_segments()[0].turns]
    for depth in KINDS[1:]:
        chapters = [t for t in tracks if t.kind == depth]
        assert [t.title for t in chapters] == [c.title for c in lesson.summary_chapters(depth)]
        assert all(speaker == voices.NARRATOR for t in chapters for speaker, _ in t.lines)
    assert dialogue[0].lines[0][1].startswith("Lesson two")  # the spoken title names the lesson


def test_every_speaker_of_the_lessons_has_a_voice():
    assert {speaker for track in course_tracks() for speaker, _ in track.lines} <= \
        set(voices.CAST)


# The shipped audio against the lessons as they are now: this is the test that fails when a
# lesson's dialogue or summary changed and `make audio` was not run.
def test_shipped_audio_matches_the_lessons():
    assert manifest.problems(course_tracks(), manifest.load()) == []


def test_shipped_manifest_records_the_words_each_file_speaks():
    entries = manifest.entries_by_id(manifest.load())
    for track in course_tracks():
        recorded = [(line["speaker"], line["text"]) for line in entries[track.id]["lines"]]
        assert recorded == list(track.lines), track.id


def test_no_audio_file_is_left_over_from_an_older_lesson():
    folder = manifest.audio_dir()
    used = {entry["file"] for entry in manifest.load()["tracks"]}
    on_disk = {path.relative_to(folder).as_posix() for path in folder.rglob("*.opus")}
    assert on_disk == used
    assert {entry["lesson"] for entry in manifest.load()["tracks"]} == set(LESSON_IDS)
