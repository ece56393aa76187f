"""Interactive views for the lesson notebooks, built from ipywidgets and matplotlib only.

Each view is an ``ipywidgets.VBox``: display it by making it the last value of a cell. Its
controls (``.slider``, ``.button``, ...) and readouts are attributes, so code can drive it
the way a learner does. Sliders move in even steps; what a move needs is measured the first
time and kept, so every move answers quickly (``benchmarks/bench_widgets.py`` times them).

Example:
    >>> from pruneedu import widgets
    >>> widgets.DigitBrowser  # doctest: +ELLIPSIS
    <class '...DigitBrowser'>
"""

from pruneedu.widgets.channel_explorer import ChannelExplorer
from pruneedu.widgets.digit_browser import DigitBrowser
from pruneedu.widgets.fine_tune_demo import FineTuneDemo
from pruneedu.widgets.int8_explorer import Int8Explorer
from pruneedu.widgets.one_shot_vs_iterative import OneShotVsIterative
from pruneedu.widgets.pruning_explorer import PruningExplorer
from pruneedu.widgets.score_explorer import ScoreExplorer
from pruneedu.widgets.semi_structured import SemiStructuredExplorer
from pruneedu.widgets.tiles import NeuronTilesView
from pruneedu.widgets.weight_vs_node import WeightVsNodeExplorer

__all__ = [
    "ChannelExplorer",
    "DigitBrowser",
    "FineTuneDemo",
    "Int8Explorer",
    "NeuronTilesView",
    "OneShotVsIterative",
    "PruningExplorer",
    "ScoreExplorer",
    "SemiStructuredExplorer",
    "WeightVsNodeExplorer",
]
