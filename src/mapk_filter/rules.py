"""TrialRules: the versioned sub-protocol B rules file, as typed objects."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .errors import DataError
from .resources import sha256_file, trial_rules_path

# libyaml's safe loader when PyYAML was built with it (the wheels are): same documents,
# about ten times faster than the pure-Python one on the rules file.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Small variants -- hotspot: an allele of the hotspot table; truncating: nonsense/
# frameshift/splice; codon: a protein-altering change at listed codons (or listed protein
# changes); exon: a listed consequence in listed MANE exons (splice sites: 2 bp beyond the
# exon); inframe_insertion_in_exons: an in-frame insertion/duplication in listed exons (ITD).
VARIANT_MATCHES = ("hotspot", "truncating", "codon", "exon", "inframe_insertion_in_exons")
# Structural -- kinase_fusion: the gene is the 3' partner of a fusion and keeps its kinase
# domain; copy_loss: copy number below ``below_copy_number`` over the gene's coding exons (or
# an SV deletion of them); intragenic_kinase: both ends of a rearrangement in the gene, and
# it touches the kinase-domain exons.
STRUCTURAL_MATCHES = ("kinase_fusion", "copy_loss", "intragenic_kinase")
# Routing only -- rearrangement: any junction in the gene or within the rearrangement
# window 5' of it.
ROUTE_MATCHES = (*VARIANT_MATCHES, *STRUCTURAL_MATCHES, "rearrangement")

_RULE_ITEM: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "source"],
    "properties": {
        "id": {"type": "string", "pattern": "^[A-Za-z0-9_.-]+$"},
        "name": {"type": "string"},
        "source": {"type": "string"},
        "genes": {"type": "array", "items": {"type": "string"}},
        "categories": {"type": "array", "items": {"type": "string"}},
        "match": {"enum": [*VARIANT_MATCHES, *STRUCTURAL_MATCHES]},
        "below_copy_number": {"type": "number", "exclusiveMinimum": 0},
        "codons": {"type": "array", "items": {"type": "integer", "minimum": 1}},
        "exons": {"type": "array", "items": {"type": "integer", "minimum": 1}},
        "consequences": {"type": "array", "items": {"type": "string"}},
        "protein_changes": {"type": "array", "items": {"type": "string", "pattern": "^p\\."}},
    },
}

RULES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "rules_version",
        "subprotocol",
        "sources",
        "changelog",
        "listed",
        "review",
        "exclusions",
        "clinical",
        "other_subprotocols",
        "rearrangement_window_bp",
    ],
    "properties": {
        "rearrangement_window_bp": {"type": "integer", "minimum": 0},
        "rearrangement_window_source": {"type": "string"},
        "rules_version": {"type": "string"},
        "subprotocol": {"type": "string"},
        "sources": {
            "type": "array",
            "items": {"type": "object", "required": ["id", "citation"]},
        },
        "changelog": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "object", "required": ["version", "date", "change"]},
        },
        "listed": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "name", "alteration_type", "source"],
                "properties": {
                    "alteration_type": {"enum": ["fusion", "amplification", "drug_response"]},
                    "requires": {
                        "type": "object",
                        "properties": {
                            "three_prime_partner": {"type": "string"},
                            "breakpoint_before_exon": {"type": "integer", "minimum": 1},
                            "min_copy_number": {"type": "number", "exclusiveMinimum": 0},
                            "covers_kinase_domain": {"type": "boolean"},
                            "max_focal_length_bp": {"type": "integer", "minimum": 1},
                        },
                        "additionalProperties": False,
                    },
                },
                "if": {"properties": {"alteration_type": {"const": "amplification"}}},
                "then": {
                    "required": ["requires"],
                    "properties": {"requires": {"required": ["min_copy_number"]}},
                },
            },
        },
        "review": {"type": "array", "items": _RULE_ITEM},
        "exclusions": {"type": "array", "items": _RULE_ITEM},
        "clinical": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "field", "name", "source"],
                "properties": {
                    "min": {"type": "number"},
                    "max": {"type": "number"},
                    "below": {"type": "number"},
                    "one_of": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
        "other_subprotocols": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["subprotocol", "name", "genes", "match", "source"],
                "properties": {
                    "genes": {"type": "array", "items": {"type": "string"}},
                    "match": {"type": "array", "items": {"enum": list(ROUTE_MATCHES)}},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class VariantRule:
    """A review or exclusion rule over small variants (hotspot or truncating)."""

    id: str
    name: str
    match: str
    genes: frozenset[str]
    categories: frozenset[str]
    protein_changes: frozenset[str]
    source: str
    codons: frozenset[int] = frozenset()
    exons: frozenset[int] = frozenset()
    consequences: frozenset[str] = frozenset()
    below_copy_number: float | None = None
    criterion: str = ""  # its number in the registry entry, when it is a registered criterion


@dataclass(frozen=True)
class ListedRule:
    id: str
    name: str
    alteration_type: str
    gene: str | None
    clinical_field: str | None
    below: float | None
    requires: dict[str, Any]
    source: str
    criterion: str = ""

    @property
    def min_copy_number(self) -> float:
        """B-L2: the copy number from which the gene counts as amplified."""
        return float(self.requires["min_copy_number"])

    @property
    def max_focal_length_bp(self) -> int | None:
        value = self.requires.get("max_focal_length_bp")
        return None if value is None else int(value)


@dataclass(frozen=True)
class ClinicalCriterion:
    id: str
    field: str
    name: str
    min: float | None
    max: float | None
    below: float | None
    one_of: tuple[str, ...] | None
    source: str
    criterion: str = ""

    @property
    def expectation(self) -> str:
        """The threshold in words, for reports."""
        if self.one_of is not None:
            return self.one_of[0] if len(self.one_of) == 1 else "one of " + ", ".join(self.one_of)
        parts = []
        if self.min is not None:
            parts.append(f">= {self.min:g}")
        if self.max is not None:
            parts.append(f"<= {self.max:g}")
        if self.below is not None:
            parts.append(f"< {self.below:g}")
        return " and ".join(parts)


@dataclass(frozen=True)
class RoutingRule:
    subprotocol: str
    name: str
    genes: frozenset[str]
    match: frozenset[str]
    source: str


@dataclass(frozen=True)
class TrialRules:
    version: str
    subprotocol: str
    path: str
    sha256: str
    listed: tuple[ListedRule, ...]
    review: tuple[VariantRule, ...]
    exclusions: tuple[VariantRule, ...]
    clinical: tuple[ClinicalCriterion, ...]
    routing: tuple[RoutingRule, ...]
    sources: dict[str, str]
    rearrangement_window_bp: int = 0

    def review_rule(self, match: str, gene: str) -> VariantRule | None:
        """The first review rule of this match kind that names the gene."""
        for rule in self.review:
            if rule.match == match and gene in rule.genes:
                return rule
        return None

    def describe(self) -> dict[str, dict[str, str]]:
        """Every rule and criterion by id: name, kind, registry criterion, full citation."""
        items: list[tuple[str, ListedRule | VariantRule | ClinicalCriterion]] = [
            *(("listed", r) for r in self.listed),
            *(("review", r) for r in self.review),
            *(("exclusion", r) for r in self.exclusions),
            *(("clinical", r) for r in self.clinical),
        ]
        return {
            item.id: {
                "name": item.name,
                "kind": kind,
                "criterion": item.criterion,
                "citation": self.sources.get(item.source, item.source),
            }
            for kind, item in items
        }

    def is_listed(self, rule_id: str | None) -> bool:
        return any(rule.id == rule_id for rule in self.listed)

    def routes(self, gene: str, match: str) -> tuple[str, ...]:
        """Sub-protocols whose entry criteria name this gene for this kind of alteration."""
        found = {r.subprotocol for r in self.routing if gene in r.genes and match in r.match}
        return tuple(sorted(found))

    def rearrangement_genes(self) -> frozenset[str]:
        """Genes whose rearrangement matters: listed fusions, kinase-fusion rules, routes."""
        names = {rule.gene for rule in self.listed if rule.alteration_type == "fusion"}
        names |= {g for r in self.review if r.match == "kinase_fusion" for g in r.genes}
        names |= {
            g for r in self.routing if r.match & {"kinase_fusion", "rearrangement"} for g in r.genes
        }
        return frozenset(n for n in names if n)

    def listed_rule(self, alteration_type: str, gene: str | None = None) -> ListedRule | None:
        for rule in self.listed:
            if rule.alteration_type == alteration_type and rule.gene == gene:
                return rule
        return None

    def genes(self) -> set[str]:
        """Every gene any rule names, for cross-checking against the panel."""
        names: set[str] = set()
        for vrule in (*self.review, *self.exclusions):
            names |= vrule.genes
        for route in self.routing:
            names |= route.genes
        names |= {rule.gene for rule in self.listed if rule.gene}
        return names


def _variant_rule(item: dict[str, Any]) -> VariantRule:
    return VariantRule(
        id=item["id"],
        name=item["name"],
        match=item.get("match", "hotspot"),
        genes=frozenset(item.get("genes", ())),
        categories=frozenset(item.get("categories", ())),
        protein_changes=frozenset(item.get("protein_changes", ())),
        source=item["source"],
        codons=frozenset(item.get("codons", ())),
        exons=frozenset(item.get("exons", ())),
        consequences=frozenset(item.get("consequences", ())),
        below_copy_number=_optional_float(item.get("below_copy_number")),
        criterion=str(item.get("criterion", "")),
    )


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def load_rules(path: Path | None = None) -> TrialRules:
    """Read and validate the rules file; errors name the file and the failing key.

    Read once per process and file while it stays the same (size and mtime in the key).
    """
    path = path or trial_rules_path()
    try:
        stat = path.stat()
    except OSError as exc:
        raise DataError(f"{path}: cannot read trial rules: {exc}") from exc
    return _load_rules(path.resolve(), stat.st_size, stat.st_mtime_ns)


@cache
def _load_rules(path: Path, size: int, mtime_ns: int) -> TrialRules:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"{path}: cannot read trial rules: {exc}") from exc
    try:
        jsonschema.validate(data, RULES_SCHEMA)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top level)"
        raise DataError(f"{path}: invalid trial rules at {where}: {exc.message}") from exc
    if data["changelog"][0]["version"] != data["rules_version"]:
        raise DataError(f"{path}: rules_version {data['rules_version']} has no changelog entry")
    return TrialRules(
        version=data["rules_version"],
        subprotocol=data["subprotocol"],
        path=str(path),
        sha256=sha256_file(path),
        listed=tuple(
            ListedRule(
                id=i["id"],
                name=i["name"],
                alteration_type=i["alteration_type"],
                gene=i.get("gene"),
                clinical_field=i.get("clinical_field"),
                below=_optional_float(i.get("below")),
                requires=dict(i.get("requires", {})),
                source=i["source"],
                criterion=str(i.get("criterion", "")),
            )
            for i in data["listed"]
        ),
        review=tuple(_variant_rule(i) for i in data["review"]),
        exclusions=tuple(_variant_rule(i) for i in data["exclusions"]),
        clinical=tuple(
            ClinicalCriterion(
                id=i["id"],
                field=i["field"],
                name=i["name"],
                min=_optional_float(i.get("min")),
                max=_optional_float(i.get("max")),
                below=_optional_float(i.get("below")),
                one_of=tuple(i["one_of"]) if "one_of" in i else None,
                source=i["source"],
                criterion=str(i.get("criterion", "")),
            )
            for i in data["clinical"]
        ),
        routing=tuple(
            RoutingRule(
                subprotocol=i["subprotocol"],
                name=i["name"],
                genes=frozenset(i["genes"]),
                match=frozenset(i["match"]),
                source=i["source"],
            )
            for i in data["other_subprotocols"]
        ),
        sources={s["id"]: " ".join(s["citation"].split()) for s in data["sources"]},
        rearrangement_window_bp=int(data["rearrangement_window_bp"]),
    )
