"""Audio lessons and an audio book, generated offline: each lesson's dialogue spoken by five
distinct voices, and its summaries read chapter by chapter.

Modules, one job each: ``speakable`` (Markdown to words), ``voices`` (the cast and the engines),
``tracks`` (what each recording says), ``manifest`` (what was built, and whether it is stale),
``build`` (speak, level, encode), ``measure`` (loudness and peaks via ffmpeg), ``export`` (files
with chapters for a phone), ``player`` (the notebook's Listen tab), ``command``
(``pruneedu audio``). Only ``build`` needs the ``[audio]`` extra.
"""
