"""Typed errors: each names the file (and record) that failed, in one line."""

from __future__ import annotations


class MapkFilterError(Exception):
    """Base class; ``str()`` is the one-line message a user sees."""


class InputError(MapkFilterError):
    """An input file is unreadable or inconsistent with the sheets."""

    def __init__(self, path: str, message: str, record: int | str | None = None) -> None:
        self.path = path
        self.record = record
        where = f"{path}" if record is None else f"{path} (record {record})"
        super().__init__(f"{where}: {message}")


class DataError(MapkFilterError):
    """A bundled or configured data file (panel, hotspots, rules) is invalid."""


class SheetError(MapkFilterError):
    """The patient or sample sheet is invalid."""
