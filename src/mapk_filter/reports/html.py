"""HTML for the tumour board: self-contained (inline CSS), autoescaped, printable."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from .batch import DECISIONS
from .view import DECISION_WORDS, SUBPROTOCOL_DRUGS, value_text


def _wrap(text: object) -> Markup:
    """Escaped text that may break after ":" and ";" (coordinates, HGVS, paths), never
    inside a number: a long "chr12:g.25245350C>T" wraps at its colon."""
    raw = "" if text is None else str(text)
    pieces = re.split(r"(?<=[:;/,])(?=\S)", raw)
    return Markup("<wbr>").join(escape(piece) for piece in pieces)


@cache  # one per process: a shard renders many reports from the same compiled templates
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("mapk_filter.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["value"] = lambda v: value_text(v, missing="—")
    env.filters["wrap"] = _wrap
    env.globals["decision_word"] = DECISION_WORDS
    env.globals["decision_rank"] = {d: rank for rank, d in enumerate(DECISIONS, start=1)}
    env.globals["drugs"] = SUBPROTOCOL_DRUGS
    return env


def render_patient(report: dict[str, Any]) -> str:
    return _environment().get_template("patient.html.j2").render(r=report)


def render_batch(rows: list[dict[str, Any]], batch: dict[str, Any]) -> str:
    return _environment().get_template("batch.html.j2").render(rows=rows, batch=batch)
