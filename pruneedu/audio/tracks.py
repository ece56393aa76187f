"""What the audio says: one track per dialogue segment and per audio-book chapter.

A track is a list of (speaker, words) lines: a short title read by the narrator, then the
dialogue turns, or the summary chapter. Its ``text_sha256`` covers those words and the settings
of every voice in it, so the manifest can tell when a lesson (or a voice) changed and the audio
was not rebuilt. Pure Python: no engine, no ffmpeg.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from pruneedu.audio.speakable import speakable, word_count
from pruneedu.audio.voices import CAST, NARRATOR, cast_settings
from pruneedu.lessons import DEPTHS, LESSON_IDS, Lesson, load_lesson

DIALOGUE = "dialogue"
KINDS: tuple[str, ...] = (DIALOGUE, *DEPTHS)  # the audio book has one kind per summary depth
KIND_NAMES = {DIALOGUE: "Conversation", "basic": "Audio book, basic",
              "medium": "Audio book, medium", "detailed": "Audio book, detailed"}


@dataclass(frozen=True)
class Track:
    """One playable unit: a dialogue segment or a chapter of the audio book."""

    lesson_id: str
    kind: str
    index: int  # from 1, in lesson order
    title: str  # as written in the lesson
    lines: tuple[tuple[str, str], ...]  # (speaker, words to say), title line first
    written: tuple[tuple[str, str], ...] = ()  # the same lines as the lesson writes them

    @property
    def id(self) -> str:
        return f"{self.lesson_id}/{self.kind}-{self.index:02d}"

    @property
    def file(self) -> str:
        """Where the track's audio lives, relative to the audio folder."""
        return f"{self.id}.opus"

    @property
    def speakers(self) -> list[str]:
        return sorted({speaker for speaker, _ in self.lines})

    @property
    def words(self) -> int:
        return sum(word_count(text) for _, text in self.lines)

    @property
    def text_sha256(self) -> str:
        """Hash of everything that shapes the audio: title, every line and its voice settings.

        Example:
            >>> t = Track("x", "basic", 1, "T", (("Teacher", "Hi."),))
            >>> t.text_sha256 == Track("x", "basic", 1, "T", (("Teacher", "Hi!"),)).text_sha256
            False
        """
        payload = {"title": self.title, "lines": [list(line) for line in self.lines],
                   "voices": cast_settings(self.speakers)}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _opening(lesson: Lesson, kind: str, index: int, title: str) -> str:
    """The spoken title: the lesson and the kind of recording first, then the part."""
    if index == 1:
        return speakable(f"{lesson.title}. {KIND_NAMES[kind]}. {title}.")
    return speakable(f"{title}.")


def lesson_tracks(lesson: Lesson) -> list[Track]:
    """Every track of one lesson: the dialogue segments, then each depth's summary chapters.

    Example:
        >>> tracks = lesson_tracks(load_lesson("01-introduction"))
        >>> tracks[0].id, tracks[0].lines[1][0]
        ('01-introduction/dialogue-01', 'Teacher')
    """
    tracks = []
    for index, segment in enumerate(lesson.dialogue_segments(), start=1):
        written = [(NARRATOR, segment.title), *segment.turns]
        lines = [(NARRATOR, _opening(lesson, DIALOGUE, index, segment.title))]
        lines += [(speaker, speakable(text)) for speaker, text in segment.turns]
        tracks.append(Track(lesson.id, DIALOGUE, index, segment.title, tuple(lines),
                            tuple(written)))
    for depth in DEPTHS:
        for index, chapter in enumerate(lesson.summary_chapters(depth), start=1):
            lines = [(NARRATOR, _opening(lesson, depth, index, chapter.title)),
                     (NARRATOR, speakable(chapter.text))]
            written = [(NARRATOR, chapter.title), (NARRATOR, chapter.text)]
            tracks.append(Track(lesson.id, depth, index, chapter.title, tuple(lines),
                                tuple(written)))
    for track in tracks:
        for speaker, _ in track.lines:
            if speaker not in CAST:
                raise ValueError(f"{track.id}: no voice for speaker {speaker!r}; add one to "
                                 "pruneedu.audio.voices.CAST.")
    return tracks


def course_tracks(lesson_ids: tuple[str, ...] = LESSON_IDS) -> list[Track]:
    """Every track of the course, lesson by lesson."""
    return [track for lesson_id in lesson_ids for track in lesson_tracks(load_lesson(lesson_id))]
