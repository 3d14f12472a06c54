"""The reports as a reader meets them: in a browser (headless Debian Chromium driven by
Playwright) and printed to A4 PDF (WeasyPrint).

A candidate (P14, NUP214::ABL1), a review (P07, KRAS for sponsor review), a not_candidate
(P06, BCL2 exclusion) and the batch overview are rendered from the example batch. A page fails
on any console error; the banner and checklist must be visible; clicking a column header must
re-sort the batch table. With MAPK_FILTER_SCREENSHOTS=<dir> the pages are also saved as PNGs
to look at.

Chromium comes from Debian (`apt-get install chromium`; `.ci/run` installs it). Without it these
tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import decide_example_batch

from mapk_filter.pipeline import summarize_batch
from mapk_filter.reports.html import render_patient
from mapk_filter.reports.pdf import write_pdf

pytestmark = pytest.mark.browser

PAGES = {"P14": "candidate", "P07": "review", "P06": "not_candidate"}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """Rendered reports and the batch overview, laid out as the workflow writes them."""
    out = tmp_path_factory.mktemp("site")
    reports = decide_example_batch(out / "patients", list(PAGES))
    for path in reports.values():
        report = json.loads(path.read_text(encoding="utf-8"))
        path.with_suffix(".html").write_text(render_patient(report), encoding="utf-8")
    summarize_batch(list(reports.values()), out / "batch", [])
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).is_file():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: .ci/run installs Debian's chromium")
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def _open(browser: Any, page_path: Path, name: str) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_path.as_uri())
    shots = os.environ.get("MAPK_FILTER_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)
    return page, errors


@pytest.mark.parametrize("patient", sorted(PAGES))
def test_patient_page_shows_banner_and_checklist_without_errors(browser, site, patient):
    report = json.loads((site / "patients" / patient / "report.json").read_text())
    assert report["decision"] == PAGES[patient]
    page, errors = _open(browser, site / "patients" / patient / "report.html", patient)
    banner = page.locator("#banner")
    assert banner.is_visible()
    # the badge word, then the rest of the one-line banner: the same words as report.json
    assert " ".join(banner.inner_text().split()) == " ".join(report["banner"].split(" — ", 1))
    rows = page.locator("#checklist tbody tr")
    assert rows.count() == len(report["checklist"])
    assert rows.first.is_visible()
    first = report["checklist"][0]
    assert first["item"] in rows.first.inner_text()
    assert f"{first['glyph']} {first['word']}" in rows.first.inner_text()
    assert errors == []
    page.close()


def _column(page: Any, index: int) -> list[str]:
    return [
        page.locator(f"#patients tbody tr:nth-child({i + 1}) td:nth-child({index})")
        .inner_text()
        .strip()
        for i in range(page.locator("#patients tbody tr").count())
    ]


def test_batch_table_sorts_on_header_click_and_filters(browser, site):
    page, errors = _open(browser, site / "batch" / "summary.html", "summary")
    assert _column(page, 1) == sorted(PAGES)
    page.locator("#patients thead th", has_text="Patient").click()  # ascending: unchanged
    page.locator("#patients thead th", has_text="Patient").click()
    assert _column(page, 1) == sorted(PAGES, reverse=True)
    page.locator("#patients thead th", has_text="Decision").click()
    assert _column(page, 2) == ["CANDIDATE", "REVIEW", "NOT A CANDIDATE"]
    page.fill("#filter", "KRAS")
    visible = page.locator("#patients tbody tr:visible")
    assert visible.count() == 1 and visible.first.inner_text().startswith("P07")
    assert page.locator("#shown").inner_text() == "1"
    page.fill("#filter", "")
    page.select_option("#decision-filter", "not_candidate")
    assert [
        r.split("\t")[0] for r in page.locator("#patients tbody tr:visible").all_inner_texts()
    ] == ["P06"]
    tiles = page.locator("#tiles").inner_text()
    assert re.search(r"1\s+CANDIDATE", tiles) and re.search(r"1\s+REVIEW", tiles)
    assert page.locator("#matrix").is_visible()
    assert errors == []
    page.close()


# ---------------------------------------------------------------------------------- PDF

A4 = (595.28, 841.89)


def _pdf(html_path: Path) -> Any:
    from pypdf import PdfReader

    out = html_path.with_suffix(".pdf")
    write_pdf(html_path.read_text(encoding="utf-8"), out, base=html_path.parent)
    return PdfReader(out)


@pytest.mark.parametrize("patient", sorted(PAGES))
def test_patient_pdf_is_a4_with_running_header_disclaimer_and_sign_off(site, patient):
    report = json.loads((site / "patients" / patient / "report.json").read_text())
    pdf = _pdf(site / "patients" / patient / "report.html")
    pages = len(pdf.pages)
    word = {"candidate": "CANDIDATE", "review": "REVIEW", "not_candidate": "NOT A CANDIDATE"}
    for number, page in enumerate(pdf.pages, start=1):
        box = page.mediabox
        assert (round(float(box.width), 2), round(float(box.height), 2)) == A4
        text = " ".join(page.extract_text().split())
        header = f"{patient} · sub-protocol B · {word[report['decision']]} · page {number}/{pages}"
        assert header in text
        assert "it does not replace the board's judgement or sponsor review" in text
    last = " ".join(pdf.pages[-1].extract_text().split())
    assert "Sign-off" in last and "Board decision" in last and "Reviewer" in last
    assert report["report_id"] in last  # provenance prints with the sign-off, never alone


def test_summary_pdf_is_a4_and_repeats_the_table_header(site):
    pdf = _pdf(site / "batch" / "summary.html")
    for page in pdf.pages:
        box = page.mediabox
        assert (round(float(box.width), 2), round(float(box.height), 2)) == A4
    text = " ".join(pdf.pages[0].extract_text().split())
    assert "Batch overview" in text and "Why (one line)" in text


def test_pdfs_can_be_made_here():
    """The default run prints PDFs: on this machine WeasyPrint and Pango load (else the
    workflow stops before any job, naming the packages to install or `pdf: false`)."""
    from mapk_filter.reports.pdf import pdf_problem

    assert pdf_problem() is None
