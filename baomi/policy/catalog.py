"""The rule catalog as written in defaults.toml: every rule with its translated title, clause
citation, sources, default parameters and, for a rule that acts rather than refuses, its effect."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

DEFAULTS_FILE = Path(__file__).with_name("defaults.toml")


def pick(texts: dict[str, str], language: str | None = None) -> str:
    """The text in the active language (zh-hans first, then English)."""
    language = language or get_language() or "zh-hans"
    if language in texts:
        return texts[language]
    if language.startswith("en"):
        return texts.get("en", texts.get("zh-hans", ""))
    return texts.get("zh-hans", texts.get("en", ""))


@dataclass(frozen=True, slots=True)
class ParameterMeta:
    name: str
    default: Any
    unit: str
    titles: dict[str, str]
    status: str
    source: str
    alternatives: str = ""
    #: the bounds that make sense (hours staffed in a day: 1 to 24), where there are any
    minimum: float | None = None
    maximum: float | None = None

    @property
    def title(self) -> str:
        return pick(self.titles)


@dataclass(frozen=True, slots=True)
class RuleMeta:
    id: str
    titles: dict[str, str]
    summaries: dict[str, str]
    clauses: dict[str, str]
    seeds: tuple[str, ...]
    sources: tuple[str, ...]
    module: str
    params: dict[str, ParameterMeta]
    #: what the rule does where it acts rather than refuses (a deadline, a notice, a state)
    effects: dict[str, str] | None = None

    @property
    def title(self) -> str:
        return pick(self.titles)

    @property
    def summary(self) -> str:
        return pick(self.summaries)

    @property
    def clause(self) -> str:
        return pick(self.clauses)

    def clause_in(self, language: str | None = None) -> str:
        return pick(self.clauses, language)

    @property
    def effect(self) -> str:
        """What an applied rule does, where it acts without refusing."""
        return pick(self.effects) if self.effects else ""

    def defaults(self) -> dict[str, Any]:
        return {name: p.default for name, p in self.params.items()}


def _texts(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not {"zh-hans", "en"} <= value.keys():
        raise ValueError(f"{where}: needs zh-hans and en texts")
    return {str(k): str(v) for k, v in value.items()}


def parse_catalog(data: dict[str, Any]) -> dict[str, RuleMeta]:
    """Validate and convert the TOML document; any missing piece is an error naming the rule."""
    rules: dict[str, RuleMeta] = {}
    for rule_id, r in data["rules"].items():
        params = {
            name: ParameterMeta(
                name=name,
                default=p["value"],
                unit=str(p["unit"]),
                titles=_texts(p["title"], f"{rule_id}.{name}.title"),
                status=str(p["status"]),
                source=str(p["source"]),
                alternatives=str(p.get("alternatives", "")),
                minimum=p.get("min"),
                maximum=p.get("max"),
            )
            for name, p in r.get("params", {}).items()
        }
        rules[rule_id] = RuleMeta(
            id=rule_id,
            titles=_texts(r["title"], f"{rule_id}.title"),
            summaries=_texts(r["summary"], f"{rule_id}.summary"),
            clauses=_texts(r["clause"], f"{rule_id}.clause"),
            seeds=tuple(r.get("seeds", ())),
            sources=tuple(r.get("sources", ())),
            module=str(r["module"]),
            params=params,
            effects=_texts(r["effect"], f"{rule_id}.effect") if "effect" in r else None,
        )
    return rules


@cache
def catalog() -> dict[str, RuleMeta]:
    """Every rule of the organization's policy, in catalog order."""
    with DEFAULTS_FILE.open("rb") as f:
        return parse_catalog(tomllib.load(f))
