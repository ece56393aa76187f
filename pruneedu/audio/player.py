"""The "Listen" tab of a lesson: the conversation and the audio book, played in the notebook.

Pure ipywidgets, no JavaScript in the outputs: each dialogue segment or book chapter is one
``widgets.Audio`` control holding the Opus bytes, with its transcript beside it. Every line of
the transcript shows who speaks and when (minutes:seconds into the segment, the clock the
control shows), since an Audio widget reports no playback position back to Python. Works
offline and in an untrusted notebook; needs no engine and no ffmpeg.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as widgets

from pruneedu.audio import manifest as manifest_io
from pruneedu.audio.tracks import DIALOGUE, KIND_NAMES, KINDS, lesson_tracks
from pruneedu.audio.voices import CAST
from pruneedu.lessons import load_lesson
from pruneedu.markdown_html import inline_html

if TYPE_CHECKING:
    from pruneedu.lesson_view import LessonView

PANEL_TITLE = "Listen"
SPEAKER_COLOURS = {"Teacher": "#1f4e79", "Maya": "#a3341f", "Leo": "#2e6b30",
                   "Priya": "#7a3e8f", "Tom": "#8a5a00"}
_TRANSCRIPT_STYLE = "line-height: 1.5; max-width: 46em; margin: 0; padding-left: 0.8em;"


def clock(seconds: float) -> str:
    """Seconds as the m:ss an audio control shows.

    Example:
        >>> clock(75.4)
        '1:15'
    """
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def transcript_html(entry: dict, written: tuple[tuple[str, str], ...] = ()) -> str:
    """A track's lines as HTML: start time, speaker (coloured), words; everything escaped.

    ``written`` (the lesson's own Markdown for each line) is shown when given, since a reader
    follows "LeNet-300-100" more easily than the words the voice says for it.

    Example:
        >>> transcript_html({"lines": [{"speaker": "Maya", "text": "Why <b>?", "start_s": 3}]})
        '<div ...>...0:03...Maya:</b> Why &lt;b&gt;?</p></div>'
    """
    lines = entry["lines"]
    shown = ([inline_html(text) for _, text in written] if len(written) == len(lines)
             else [html.escape(line["text"]) for line in lines])
    rows = []
    # The spoken title is the heading beside the control, so the transcript starts after it.
    for line, text in list(zip(lines, shown, strict=True))[1:] or zip(lines, shown, strict=True):
        colour = SPEAKER_COLOURS.get(line["speaker"], "#333")
        rows.append(
            f'<p style="margin: 0 0 0.4em 0;"><span style="color: #666; font-family: '
            f'monospace;">{clock(line["start_s"])}</span> '
            f'<b style="color: {colour};">{html.escape(line["speaker"])}:</b> {text}</p>')
    return f'<div style="{_TRANSCRIPT_STYLE}">{"".join(rows)}</div>'


def cast_html(speakers: list[str]) -> str:
    """Who is who in a conversation, with the voice each one speaks in."""
    parts = [f'<b style="color: {SPEAKER_COLOURS.get(name, "#333")};">{html.escape(name)}</b>'
             f' ({html.escape(CAST[name].description.split(" (")[0])})' for name in speakers]
    return "<p style='margin: 0.2em 0 0.6em 0;'>Voices: " + "; ".join(parts) + "</p>"


def _segment_row(entry: dict, folder: Path, written: tuple[tuple[str, str], ...],
                 stale: bool) -> widgets.HBox:
    audio = widgets.Audio(value=(folder / entry["file"]).read_bytes(), format="ogg",
                          autoplay=False, loop=False, controls=True,
                          layout=widgets.Layout(width="300px"))
    audio.add_class("pruneedu-audio-track")
    note = (" <span style='color: #a00;'>(the text changed since this was recorded)</span>"
            if stale else "")
    heading = widgets.HTML(
        value=f"<b>{entry['index']}. {html.escape(entry['title'])}</b> "
              f"<span style='color: #666;'>{clock(entry['duration_s'])}</span>{note}")
    left = widgets.VBox([heading, audio], layout=widgets.Layout(width="320px", min_width="320px"))
    return widgets.HBox([left, widgets.HTML(value=transcript_html(entry, written))],
                        layout=widgets.Layout(margin="0 0 0.8em 0", align_items="flex-start"))


class LessonPlayer(widgets.VBox):
    """The audio of one lesson: a choice of recording, then one control per segment or chapter.

    Handles for notebooks and tests: ``kind_selector``, ``rows`` (the current segments),
    ``audio_controls`` and ``message`` (why there is no audio, when there is none).

    Example:
        >>> player = LessonPlayer("01-introduction")
        >>> player.kind_selector.value = "basic"   # now the basic audio book's chapters
    """

    def __init__(self, lesson_id: str, kind: str = DIALOGUE, folder: Path | None = None) -> None:
        self.lesson_id = lesson_id
        self.folder = folder or manifest_io.audio_dir()
        self.message = widgets.HTML()
        self.rows = widgets.VBox()
        self.kind_selector = widgets.ToggleButtons(
            options=[(KIND_NAMES[k].replace("Audio book, ", "Book: "), k) for k in KINDS],
            value=kind, description="Listen to:",
            style={"description_width": "initial"})
        try:
            self.entries = manifest_io.entries_by_id(manifest_io.load(self.folder))
        except (FileNotFoundError, ValueError) as error:
            self.entries = {}
            self.message.value = (f"<p>No audio for this lesson here ({html.escape(str(error))})"
                                  "</p>")
        self._tracks = {track.id: track for track in lesson_tracks(load_lesson(lesson_id))}
        self.kind_selector.observe(lambda change: self._show(change["new"]), names="value")
        super().__init__([self.kind_selector, self.message, self.rows])
        self.add_class("pruneedu-audio-player")
        self._show(kind)

    @property
    def audio_controls(self) -> list[widgets.Audio]:
        return [row.children[0].children[1] for row in self.rows.children
                if isinstance(row, widgets.HBox)]

    def _show(self, kind: str) -> None:
        entries = [e for e in self.entries.values()
                   if e["lesson"] == self.lesson_id and e["kind"] == kind]
        if not entries:
            if self.entries:
                self.message.value = (f"<p>No {KIND_NAMES[kind].lower()} recorded for this "
                                      "lesson yet; run make audio to build it.</p>")
            self.rows.children = []
            return
        speakers = sorted({line["speaker"] for e in entries for line in e["lines"]},
                          key=list(CAST).index)
        self.message.value = cast_html(speakers)
        rows = []
        for entry in entries:
            track = self._tracks.get(entry["id"])
            stale = track is None or track.text_sha256 != entry["text_sha256"]
            written = () if stale else track.written
            rows.append(_segment_row(entry, self.folder, written, stale))
        self.rows.children = rows


def show(lesson_id: str, kind: str = DIALOGUE) -> LessonPlayer:
    """A player for one lesson's audio, opened on ``kind`` (``dialogue``, or a summary depth).

    Example:
        >>> len(show("02-weight-vs-node").audio_controls) >= 1
        True
    """
    return LessonPlayer(lesson_id, kind=kind)


def panel_for_view(view: LessonView) -> LessonPlayer:
    """The "Listen" tab of a lesson view (see ``pruneedu.lesson_view.register_panel``)."""
    return LessonPlayer(view.lesson.id)
