"""Fixtures of the Python tests (their helpers are in support.py)."""

import pytest


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A scratch directory, also the working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
