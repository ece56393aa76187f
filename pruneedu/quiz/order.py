"""Display order: each learner sees choices, terms and definitions in their own fixed order.

Shuffling only changes what is shown. Answers are always recorded by question id and choice
id (or term and definition text), so the order never affects grading.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def shuffled(items: Sequence[T], learner_id: str, salt: str) -> list[T]:
    """A copy of ``items`` in an order fixed by ``learner_id`` and ``salt`` (e.g. a question id).

    The seed comes from SHA-256, not ``hash()``, so the order survives kernel restarts.

    Example:
        >>> shuffled(["a", "b", "c"], "ada", "q1") == shuffled(["a", "b", "c"], "ada", "q1")
        True
    """
    digest = hashlib.sha256(f"{learner_id}\x00{salt}".encode()).digest()
    result = list(items)
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(result)
    return result
