"""Shared test set-up for tests/ and the docstring examples in pruneedu/: every test writes
its learner files into its own temporary folder."""

import os

import pytest

# Figures render off-screen in tests.
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def isolated_learner_home(tmp_path, monkeypatch):
    """Keep tests away from the real user's saved answers, flashcards and caches."""
    home = tmp_path / "pruneedu-home"
    monkeypatch.setenv("PRUNEEDU_HOME", str(home))
    return home
