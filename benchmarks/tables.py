"""How every benchmark here reports: a Markdown table whose last column says PASS or FAIL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def print_table(header: Sequence[str], rows: Iterable[Sequence[object]], align: str) -> None:
    """Print a Markdown table; ``align`` has one letter per column, ``l`` or ``r``."""
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---:" if a == "r" else "---" for a in align) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
