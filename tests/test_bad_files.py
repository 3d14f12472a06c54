"""The catalogue of broken variant files (tests/data/bad/files.tsv), through the workflow.

Each row is one file run by classify_sample with a one-row sample sheet, as the workflow
runs it; the row says what must come out: an error naming the file, a filtered finding
with its caveat, a note, or a correct read (tests/data/bad/README.md). Zero records from a
broken file is never "no finding", and no reader failure may reach the pipeline's
catch-all ("please report").
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from helpers import classify_from_sheet, copy_with_index

from mapk_filter.models import SampleResult, Status

BAD = Path(__file__).resolve().parent / "data" / "bad"
OUTCOMES = ("error", "caveat", "note", "ok")


def _rows() -> list[dict[str, str]]:
    with (BAD / "files.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = _rows()


def classify(tmp_path: Path, path: Path, kind: str) -> tuple[SampleResult, str | None]:
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(
        "patient_id\tsample_id\tkind\tpath\tgenome_build\n"
        f"BAD1\tbad_file\t{kind}\t{path}\tGRCh38\n",
        encoding="utf-8",
    )
    return classify_from_sheet(sheet, "bad_file", "BAD1")


def test_the_catalogue_is_complete():
    assert len(ROWS) >= 28
    assert {r["outcome"] for r in ROWS} <= set(OUTCOMES)
    listed = {r["file"] for r in ROWS}
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in listed)
    on_disk = {
        p.name
        for p in BAD.iterdir()
        if p.is_file()
        and p.suffix not in (".tbi", ".csi", ".md")
        and not p.name.startswith("sheets")
    } - {"files.tsv"}
    assert on_disk == listed


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_bad_file(tmp_path, row):
    name, kind, outcome, message = row["file"], row["kind"], row["outcome"], row["message"]
    path = copy_with_index(BAD / name, tmp_path)
    result, error = classify(tmp_path, path, kind)
    # hashed beside the reading: the digest is the file's, also when it cannot be read
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    if error is not None:
        assert "please report" not in error, error
        assert "Traceback" not in error, error
    if outcome == "error":
        assert error is not None, f"{name} was read: {result.notes}"
        assert error.startswith(f"{path}"), error  # names the file first
        assert name in error
        assert message in error, error
        assert result.accounting.error == error
        return
    assert error is None, error
    assert result.accounting.reconciles, result.accounting
    if outcome == "caveat":
        hits = [
            f
            for f in result.findings
            if message in f.reason or any(message in c for c in f.caveats)
        ]
        assert hits, [(f.reason, f.caveats) for f in result.findings]
        assert all(f.status == Status.FILTERED for f in hits)
        return
    if outcome == "note":
        assert any(message in n for n in result.notes), result.notes
        assert result.findings, "read correctly: the file's panel record must be found"
        return
    in_notes = any(message in n for n in result.notes)
    found = [f for f in result.findings if message in f.classification]
    assert in_notes or found, (result.notes, [f.classification for f in result.findings])
    assert all(f.status != Status.FILTERED for f in found), [f.reason for f in found]


def test_the_digest_made_beside_the_reading_is_the_files_or_its_error(tmp_path):
    """The pipeline hashes a file in a thread while reading it: the digest is hashlib's,
    and a file that cannot be hashed raises the error that names it."""
    from mapk_filter.pipeline import _Digest

    path = copy_with_index(BAD / "af_nan.vcf", tmp_path)
    assert _Digest(path).result() == hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(IsADirectoryError, match=str(tmp_path)):
        _Digest(tmp_path).result()
