"""One call that makes a notebook or script repeatable."""

from __future__ import annotations

import random


def seed_everything(seed: int = 0) -> None:
    """Seed Python, NumPy and torch so that the same run gives the same numbers.

    Example:
        >>> from pruneedu.seeding import seed_everything
        >>> seed_everything(0)
    """
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
