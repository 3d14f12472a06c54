"""TrialRules: the versioned sub-protocol B rules file, as typed objects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .errors import DataError
from .resources import sha256_file, trial_rules_path

# hotspot: an allele of the hotspot table; truncating: nonsense/frameshift/splice;
# codon: a protein-altering change at listed codons (or listed protein changes);
# exon: a listed consequence in listed MANE exons (splice sites: 2 bp beyond the exon);
# inframe_insertion_in_exons: an in-frame insertion/duplication in listed exons (ITD).
VARIANT_MATCHES = ("hotspot", "truncating", "codon", "exon", "inframe_insertion_in_exons")

_RULE_ITEM: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "source"],
    "properties": {
        "id": {"type": "string", "pattern": "^[A-Za-z0-9_.-]+$"},
        "name": {"type": "string"},
        "source": {"type": "string"},
        "genes": {"type": "array", "items": {"type": "string"}},
        "categories": {"type": "array", "items": {"type": "string"}},
        "match": {"enum": list(VARIANT_MATCHES)},
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
    ],
    "properties": {
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
                    "alteration_type": {"enum": ["fusion", "amplification", "drug_response"]}
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
    )


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def load_rules(path: Path | None = None) -> TrialRules:
    """Read and validate the rules file; errors name the file and the failing key."""
    path = path or trial_rules_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
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
    )
