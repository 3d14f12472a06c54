"""Exchange formats written beside each report.json, derived from it alone.

- ``phenopacket.phenopacket(report, hgnc)``: GA4GH Phenopacket v2 (``phenopacket.json``);
- ``fhir.fhir_bundle(report, hgnc)``: an HL7 FHIR R4 Genomics Reporting bundle (``fhir.json``).

Both are pure functions of the report.json dict and the panel's gene -> HGNC ID table
(``hgnc_ids``): the same report gives the same bytes, so ``mapk-filter verify`` can re-derive
them and say whether the files beside a report still agree with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..panel import Panel

# the files, beside report.json, that the workflow writes by default (config `exports`)
EXPORTS = ("phenopacket.json", "fhir.json")


def hgnc_ids(panel: Panel) -> dict[str, str]:
    """Gene symbol -> HGNC ID (``HGNC:76``) for every panel gene."""
    return {symbol: gene.hgnc_id for symbol, gene in panel.genes.items()}
