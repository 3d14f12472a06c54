"""HTML for the tumour board: self-contained (inline CSS), autoescaped, printable."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

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


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("mapk_filter.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: "" if v is None else f"{100 * float(v):.1f}%"
    env.filters["value"] = _value
    env.globals["decision_label"] = DECISION_LABELS
    return env


def render_patient(report: dict[str, Any]) -> str:
    return _environment().get_template("patient.html.j2").render(r=report)


def render_batch(rows: list[dict[str, Any]], batch: dict[str, Any]) -> str:
    return _environment().get_template("batch.html.j2").render(rows=rows, batch=batch)
