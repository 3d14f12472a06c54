"""HTML for the tumour board: self-contained (inline CSS), autoescaped, printable."""

from __future__ import annotations

import re
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from .view import GLYPHS, SUBPROTOCOL_DRUGS

DECISION_LABELS = {
    "candidate": "Candidate for sub-protocol B",
    "review": "Board review needed",
    "not_candidate": "Not a candidate for sub-protocol B",
}


def _value(value: object) -> str:
    """A clinical value as people write it: 9 not 9.0, a dash when missing."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


DECISION_WORDS = {
    "candidate": "CANDIDATE",
    "review": "REVIEW",
    "not_candidate": "NOT A CANDIDATE",
    "not_assessed": "NOT ASSESSED",
}


def _wrap(text: object) -> Markup:
    """Escaped text that may break after ":" and ";" (coordinates, HGVS, paths), never
    inside a number: a long "chr12:g.25245350C>T" wraps at its colon."""
    raw = "" if text is None else str(text)
    pieces = re.split(r"(?<=[:;/,])(?=\S)", raw)
    return Markup("<wbr>").join(escape(piece) for piece in pieces)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("mapk_filter.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: "" if v is None else f"{100 * float(v):.1f}%"
    env.filters["value"] = _value
    env.filters["wrap"] = _wrap
    env.globals["decision_label"] = DECISION_LABELS
    env.globals["decision_word"] = DECISION_WORDS
    env.globals["decision_rank"] = {"candidate": 1, "review": 2, "not_candidate": 3}
    env.globals["drugs"] = SUBPROTOCOL_DRUGS
    env.globals["glyphs"] = GLYPHS
    return env


def render_patient(report: dict[str, Any]) -> str:
    return _environment().get_template("patient.html.j2").render(r=report)


def render_batch(rows: list[dict[str, Any]], batch: dict[str, Any]) -> str:
    return _environment().get_template("batch.html.j2").render(rows=rows, batch=batch)
