"""Interactive explorers for the lesson notebooks, built from ipywidgets and matplotlib only.

Each explorer is an ``ipywidgets.VBox``: display it by making it the last value of a cell.
Its controls (``.slider``, ``.button``) and readouts are attributes, so code can drive it the
way a learner does.

Example:
    >>> from pruneedu import widgets
    >>> widgets.DigitBrowser  # doctest: +ELLIPSIS
    <class '...DigitBrowser'>
"""

from pruneedu.widgets.channel_explorer import ChannelExplorer
from pruneedu.widgets.digit_browser import DigitBrowser
from pruneedu.widgets.fine_tune_demo import FineTuneDemo
from pruneedu.widgets.pruning_explorer import PruningExplorer
from pruneedu.widgets.weight_vs_node import WeightVsNodeExplorer

__all__ = [
    "ChannelExplorer",
    "DigitBrowser",
    "FineTuneDemo",
    "PruningExplorer",
    "WeightVsNodeExplorer",
]
