"""The Listen tab: one Audio control per segment or chapter holding the shipped bytes, the
transcript beside it with speakers and times, escaped, and a clear message when there is no
audio."""

import json
import shutil

import ipywidgets as widgets

from pruneedu.audio import manifest, player
from pruneedu.lessons import load_lesson, show
from pruneedu.markdown_html import inline_html


def test_one_control_per_dialogue_segment_holding_its_file():
    view = player.show("01-introduction")
    segments = load_lesson("01-introduction").dialogue_segments()
    controls = view.audio_controls
    assert len(controls) == len(segments)
    entries = manifest.entries_by_id(manifest.load())
    first = entries["01-introduction/dialogue-01"]
    assert controls[0].value == (manifest.audio_dir() / first["file"]).read_bytes()
    assert controls[0].format == "ogg" and controls[0].controls and not controls[0].autoplay


def test_the_transcript_shows_each_turn_as_written_with_its_speaker():
    view = player.show("02-weight-vs-node")
    segment = load_lesson("02-weight-vs-node").dialogue_segments()[0]
    transcript = view.rows.children[0].children[1].value
    for speaker, text in segment.turns:
        assert f"{speaker}:</b> {inline_html(text)}</p>" in transcript
    assert transcript.count("</p>") == len(segment.turns)
    assert "Voices:" in view.message.value and "Priya" in view.message.value


def test_a_transcript_line_starts_when_its_speaker_starts():
    entry = manifest.entries_by_id(manifest.load())["01-introduction/dialogue-01"]
    html = player.transcript_html(entry)
    for line in entry["lines"][1:]:
        assert f">{player.clock(line['start_s'])}</span>" in html
    assert [line["start_s"] for line in entry["lines"]] == \
        sorted(line["start_s"] for line in entry["lines"])


def test_switching_to_the_audio_book_lists_its_chapters():
    view = player.show("03-challenges")
    view.kind_selector.value = "detailed"
    chapters = load_lesson("03-challenges").summary_chapters("detailed")
    assert len(view.audio_controls) == len(chapters)
    assert chapters[0].title in view.rows.children[0].children[0].children[0].value


def test_transcript_text_is_escaped():
    entry = {"lines": [{"speaker": "Teacher", "text": "Title", "start_s": 0},
                       {"speaker": "Maya", "text": "<img src=x onerror=alert(1)>", "start_s": 61}]}
    html = player.transcript_html(entry)
    assert "<img" not in html and "&lt;img" in html and "1:01" in html
    written = (("Teacher", "Title"), ("Maya", "**bold** <script>alert(1)</script>"))
    html = player.transcript_html(entry, written)
    assert "<script>" not in html and "<strong>bold</strong>" in html


def test_no_audio_folder_gives_a_message_not_an_error(tmp_path):
    view = player.LessonPlayer("01-introduction", folder=tmp_path)
    assert view.audio_controls == []
    assert "make audio" in view.message.value


def test_a_recording_older_than_its_text_is_marked(tmp_path):
    shutil.copytree(manifest.audio_dir(), tmp_path / "audio")
    recorded = json.loads((tmp_path / "audio" / "manifest.json").read_text())
    recorded["tracks"][0]["text_sha256"] = "0" * 64
    (tmp_path / "audio" / "manifest.json").write_text(json.dumps(recorded))
    view = player.LessonPlayer("01-introduction", folder=tmp_path / "audio")
    assert "changed since this was recorded" in view.rows.children[0].children[0].children[0].value
    assert "changed since" not in view.rows.children[1].children[0].children[0].value


def test_the_lesson_view_has_a_listen_tab():
    view = show("01-introduction", panel=player.PANEL_TITLE)
    listen = view.panel(player.PANEL_TITLE)
    assert isinstance(listen, player.LessonPlayer)
    assert view.panel_titles[view.tabs.selected_index] == player.PANEL_TITLE
    assert all(isinstance(c, widgets.Audio) for c in listen.audio_controls)
