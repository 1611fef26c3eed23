"""The deadline rule table (D01-D72) and the jurisdiction profiles, read from `domain/data/`.

`rules.json` holds every row of section 16 of the reference. A rule whose period is a parameter
(tagged [L]/[U], or set only by a province) takes its length from a jurisdiction profile
(`jurisdictions/*.json`); profiles may also override citations, notes and variants. Data, not code.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.periods import Unit
from domain.statutes import citation

Confidence = Literal["H", "M", "L", "U"]
Direction = Literal["after", "before"]
RULE_IDS = tuple(f"D{number:02d}" for number in range(1, 73))


class DeadlineError(ValueError):
    """Bad input to the deadline engine; the message says what is wrong and what is valid."""


class UnknownRule(DeadlineError):
    """The rule id is not one of D01-D72."""


class UnknownJurisdiction(DeadlineError):
    """No profile has this id."""


class InvalidStart(DeadlineError):
    """A date is malformed, impossible or out of the supported range."""


class InvalidOption(DeadlineError):
    """A variant, extension, suspension or restart that the rule does not have."""


class RuleVariant(BaseModel):
    """A named alternative of a rule (e.g. D37 ruling: 10 days instead of 15)."""

    model_config = ConfigDict(frozen=True)

    name: str
    title_zh: str
    title_en: str
    length: int | None
    unit: Unit | None
    extension: int | None
    basis: str


class Rule(BaseModel):
    """One row of the deadline table with the jurisdiction's overrides applied."""

    model_config = ConfigDict(frozen=True)

    id: str
    jurisdiction: str
    title_zh: str
    title_en: str
    length: int | None
    unit: Unit | None
    extension: int | None = None
    extension_zh: str = ""
    extension_en: str = ""
    direction: Direction = "after"
    starts_zh: str
    starts_en: str
    bound_zh: str
    bound_en: str
    missed_zh: str
    missed_en: str
    refs: tuple[tuple[str, str], ...]
    basis: str
    basis_zh: str
    basis_en: str
    confidence: Confidence
    parameter: bool = False  # the period comes from a jurisdiction profile
    period_set_by: str | None = None  # which profile set the period (parameters only)
    suspendable: bool = False
    restartable: bool = False
    note_zh: str = ""
    note_en: str = ""
    variant: str | None = None
    default_variant: str | None = None
    variants: tuple[RuleVariant, ...] = ()
    count_start_day: bool = False
    defined_in: tuple[str, ...] = Field(default=(), description="jurisdictions that set a period")


class LocalFinalAward(BaseModel):
    """Claim kinds a jurisdiction's own regulation makes final whatever the amount (LDMAL Art. 47 is
    the national floor; Zhejiang's regulation Art. 37 adds work-injury benefits), for awards made on
    or after `from_`."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    kinds: tuple[str, ...]
    from_: date = Field(alias="from")
    refs: tuple[tuple[str, str], ...]
    reason_zh: str
    reason_en: str


class Jurisdiction(BaseModel):
    """A jurisdiction profile: names, parent, counting parameters, rule overrides."""

    model_config = ConfigDict(frozen=True)

    id: str
    name_zh: str
    name_en: str
    inherits: str | None
    count_start_day: bool = False
    description: str = ""
    final_award: LocalFinalAward | None = None
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)


def _read(path: str) -> Any:
    return json.loads(resources.files("domain").joinpath(path).read_text(encoding="utf-8"))


@cache
def _base_rules() -> dict[str, dict[str, Any]]:
    rows: list[dict[str, Any]] = _read("data/rules.json")["rules"]
    return {row["id"]: row for row in rows}


@cache
def _profiles() -> dict[str, Jurisdiction]:
    folder = resources.files("domain").joinpath("data/jurisdictions")
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            profile = Jurisdiction.model_validate(json.loads(entry.read_text(encoding="utf-8")))
            found[profile.id] = profile
    return found


def jurisdictions() -> list[str]:
    """Ids of every jurisdiction profile, national first."""
    ids = sorted(_profiles())
    return ["national", *[item for item in ids if item != "national"]]


def jurisdiction(jurisdiction_id: str) -> Jurisdiction:
    """One profile; raises UnknownJurisdiction naming the valid ones."""
    profile = _profiles().get(jurisdiction_id)
    if profile is None:
        raise UnknownJurisdiction(f"unknown jurisdiction '{jurisdiction_id}': valid jurisdictions are {', '.join(jurisdictions())}")
    return profile


def local_final_award(jurisdiction_id: str) -> LocalFinalAward | None:
    """The nearest profile's own final-award kinds up the jurisdiction's chain, if any."""
    for profile in reversed(_chain(jurisdiction_id)):
        if profile.final_award is not None:
            return profile.final_award
    return None


def _chain(jurisdiction_id: str) -> list[Jurisdiction]:
    chain: list[Jurisdiction] = []
    current: str | None = jurisdiction_id
    while current is not None:
        profile = jurisdiction(current)
        if profile in chain:
            raise DeadlineError(f"jurisdiction profile '{current}' inherits from itself")
        chain.insert(0, profile)
        current = profile.inherits
    return chain


def normalise_rule_id(rule_id: str) -> str:
    """'d3', 'D3', 'D03' -> 'D03'; raises UnknownRule naming the valid range."""
    text = rule_id.strip().upper()
    if text.startswith("D") and text[1:].isdigit():
        candidate = f"D{int(text[1:]):02d}"
        if candidate in RULE_IDS:
            return candidate
    raise UnknownRule(f"unknown rule '{rule_id}': valid rule ids are D01-D72")


def _merged(rule_id: str, jurisdiction_id: str) -> tuple[dict[str, Any], str | None]:
    row = dict(_base_rules()[rule_id])
    row["variants"] = {name: dict(v) for name, v in row.get("variants", {}).items()}
    set_by = None
    for profile in _chain(jurisdiction_id):
        override = profile.rules.get(rule_id, {})
        if "length" in override:
            set_by = profile.id
        for key, value in override.items():
            if key == "variants":
                for name, fields in value.items():
                    row["variants"].setdefault(name, {}).update(fields)
            else:
                row[key] = value
    return row, set_by


def _variant_view(row: dict[str, Any], name: str) -> RuleVariant:
    fields = {**row, **row["variants"].get(name, {})}
    zh, en = citation([tuple(ref) for ref in fields["refs"]])
    return RuleVariant(
        name=name,
        title_zh=fields["title_zh"],
        title_en=fields["title_en"],
        length=fields.get("length"),
        unit=fields.get("unit"),
        extension=fields.get("extension"),
        basis=f"{zh} / {en}" if zh else "—",
    )


@cache
def _defined_in(rule_id: str) -> tuple[str, ...]:
    return tuple(j for j in jurisdictions() if _merged(rule_id, j)[0].get("length") is not None)


def _choose_variant(rule_id: str, row: dict[str, Any], variant: str | None) -> tuple[str | None, list[str]]:
    names = list(row["variants"])
    default: str | None = row.get("default_variant")
    if variant is None or variant == default:
        return default, []
    if variant in names:
        return variant, []
    everywhere = {name for j in jurisdictions() for name in _merged(rule_id, j)[0]["variants"]}
    if variant in everywhere:
        warning = f"variant '{variant}' of {rule_id} does not exist in this jurisdiction; the default rule applies"
        return default, [warning]
    valid = ", ".join(names) if names else "none"
    raise InvalidOption(f"rule {rule_id} has no variant '{variant}': valid variants are {valid}")


def resolve_rule(rule_id: str, jurisdiction_id: str = "national", variant: str | None = None) -> tuple[Rule, tuple[str, ...]]:
    """The rule as it applies in a jurisdiction (and variant), with warnings about the choice."""
    key = normalise_rule_id(rule_id)
    profile = jurisdiction(jurisdiction_id)
    row, _ = _merged(key, profile.id)
    chosen, warnings = _choose_variant(key, row, variant)
    return _build_rule(key, profile.id, chosen), tuple(warnings)


@cache
def _build_rule(key: str, jurisdiction_id: str, chosen: str | None) -> Rule:
    profile = jurisdiction(jurisdiction_id)
    row, set_by = _merged(key, jurisdiction_id)
    variants = tuple(_variant_view(row, name) for name in row["variants"])
    if chosen is not None and chosen in row["variants"]:
        row = {**row, **row["variants"][chosen]}
    refs = tuple((str(code), str(article)) for code, article in row["refs"])
    zh, en = citation(refs)
    return Rule(
        id=key,
        jurisdiction=profile.id,
        title_zh=row["title_zh"],
        title_en=row["title_en"],
        length=row.get("length"),
        unit=row.get("unit"),
        extension=row.get("extension"),
        extension_zh=row.get("extension_zh", ""),
        extension_en=row.get("extension_en", ""),
        direction=row.get("direction", "after"),
        starts_zh=row["starts_zh"],
        starts_en=row["starts_en"],
        bound_zh=row["bound_zh"],
        bound_en=row["bound_en"],
        missed_zh=row["missed_zh"],
        missed_en=row["missed_en"],
        refs=refs,
        basis=f"{zh} / {en}" if zh else "—",
        basis_zh=zh or "—",
        basis_en=en or "—",
        confidence=row["confidence"],
        parameter=bool(row.get("parameter", False)),
        period_set_by=set_by if row.get("parameter") else None,
        suspendable=bool(row.get("suspendable", False)),
        restartable=bool(row.get("restartable", False)),
        note_zh=row.get("note_zh", ""),
        note_en=row.get("note_en", ""),
        variant=chosen,
        default_variant=row.get("default_variant"),
        variants=variants,
        count_start_day=profile.count_start_day,
        defined_in=_defined_in(key),
    )


def rule_table(jurisdiction: str = "national") -> list[Rule]:
    """Every rule D01-D72 as it applies in `jurisdiction` (default variants; others listed)."""
    return [resolve_rule(rule_id, jurisdiction)[0] for rule_id in RULE_IDS]
