"""A4 PDFs of the HTML reports, made with WeasyPrint (pure Python on Pango; no browser).

The HTML carries its own print stylesheet (``_style.html.j2``: A4 page, running header with
patient, sub-protocol, decision and page n/m, the disclaimer in every footer, rows never split
across pages), so the PDF and the page a reader prints from a browser are the same document.
"""

from __future__ import annotations

import logging
from pathlib import Path

# WeasyPrint logs every CSS property it does not support (e.g. the screen-only `user-select`)
# as a warning: those are expected and are not problems of the report.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)

A4_POINTS = (595.28, 841.89)  # ISO 216 A4 in PostScript points (210 x 297 mm)


def pdf_problem() -> str | None:
    """Why PDFs cannot be made on this machine, or None. WeasyPrint needs the Pango library
    (Debian: libpango-1.0-0 and libpangoft2-1.0-0, present on most systems)."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return (
            f"PDF output needs WeasyPrint and the Pango library ({exc}); install Pango "
            "(Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0) or set "
            "`pdf: false` in the config"
        )
    return None


def write_pdf(html: str, out: Path, base: Path | None = None) -> None:
    """Write ``html`` as an A4 PDF at ``out``: atomically (a killed run never leaves half a
    PDF under the final name) and with the mode the umask gives a new file."""
    from weasyprint import HTML  # imported here: the HTML-only commands do not need it

    from ..output import atomic_write

    document = HTML(string=html, base_url=str(base or out.parent)).render()
    atomic_write(out, document.write_pdf())
