"""The exceptions passage raises. The compiled core maps the engine's errors to
these (python/src/core.cpp), so Python sees what the command line would report:

=====================  =========================================  ==========
exception              engine error                               CLI exit
=====================  =========================================  ==========
``ConfigError``        a problem in an input file, at file:line:col   2
``UsageError``         a bad argument or output path                  2
``Interrupted``        a stop request ended a run (checkpoint kept)  75
``IoError``            an HDF5 file that cannot be read or written    1
``SimulationError``    any other runtime failure                      1
=====================  =========================================  ==========
"""

from __future__ import annotations

from dataclasses import dataclass


class PassageError(Exception):
    """Base class of every passage error."""


@dataclass(frozen=True)
class Diagnostic:
    """One problem in an input: where, what, and a hint."""

    file: str
    line: int
    column: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.file if self.line <= 0 else f"{self.file}:{self.line}:{max(self.column, 1)}"
        return f"{where}: error: {self.message}" + (f"\n  hint: {self.hint}" if self.hint else "")


class ConfigError(PassageError, ValueError):
    """Problems in a scenario, overlay or design file. ``file``, ``line``,
    ``column`` and ``message`` are those of the first problem; ``diagnostics``
    lists every one (the engine collects them all before failing)."""

    def __init__(self, text: str, diagnostics=()):
        super().__init__(text)
        self.diagnostics = [d if isinstance(d, Diagnostic) else Diagnostic(*d) for d in diagnostics]
        first = self.diagnostics[0] if self.diagnostics else Diagnostic("", 0, 0, text)
        self.file = first.file
        self.line = first.line
        self.column = first.column
        self.message = first.message
        self.hint = first.hint


class UsageError(PassageError, ValueError):
    """A bad argument (the command line's usage errors), with a hint."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message + (f"\n  hint: {hint}" if hint else ""))
        self.message = message
        self.hint = hint


class Interrupted(PassageError):
    """A stop request ended the run after writing a checkpoint."""


class IoError(PassageError, OSError):
    """A results file that cannot be read or written."""


class SimulationError(PassageError, RuntimeError):
    """A runtime failure of the engine or a model."""
