"""Red-team round 12 (a): the wire decoder the grader runs on a learner's replies.

Held this round: random token mutations of valid messages (tags, brackets, NaN, huge numbers)
never make :func:`pruneedu.wire.loads` or :func:`pruneedu.wire.check_returns` raise anything but
WireError, so a hostile reply fails one call, never the grader.
"""

from __future__ import annotations

import random

import numpy as np

from pruneedu import wire

TOKENS = ["[", "]", "{", "}", '"$dict"', '"$tuple"', '"$array"', '"$module"', '"$model"', "0",
          "-1", "1e309", "NaN", '"x"', "null", ",", ":", "true", "[]", "{}", "99999999999"]


def _bases() -> list[str]:
    module = wire.ModuleDescription(
        "S", [wire.LayerDescription("fc", "Linear", {"weight": (2, 2)})],
        {"w_orig": np.ones((2, 2)), "w_mask": np.ones((2, 2))})
    return [wire.dumps({"a": np.zeros((2, 3), np.float32), "b": (1, [2.5, None])}),
            wire.dumps(module),
            wire.dumps(wire.ModelSpec("lenet5", {"x": np.ones(3, "<i8")}))]


def test_mutated_replies_fail_only_with_wire_error():
    rng = random.Random(12)
    bases = _bases()
    unexpected = []
    for _ in range(3000):
        text = rng.choice(bases)
        for _ in range(rng.randint(1, 4)):
            start = rng.randrange(len(text))
            text = text[:start] + rng.choice(TOKENS) + text[start + rng.randint(0, 6):]
        for limits in (wire.Limits(), wire.Limits(allow_strings=False)):
            try:
                value = wire.loads(text, limits)
                for kind in ("data", "array", "module"):
                    wire.check_returns(value, kind)
                if isinstance(value, wire.ModuleDescription):
                    value.parameter_count(nonzero_only=True)
            except wire.WireError:
                pass
            except Exception as error:  # noqa: BLE001 - any other type is the finding
                unexpected.append(f"{type(error).__name__}: {text[:120]}")
    assert unexpected == []
