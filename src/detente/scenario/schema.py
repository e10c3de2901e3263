"""The ``detente/1`` scenario document: what a scenario file may contain, field by field.

These pydantic models check the *shape* of a scenario (types, required fields, no unknown keys);
cross-references (unknown ids, expressions, rankings) are checked when the scenario is compiled,
in :mod:`detente.scenario.compile`. The JSON Schema printed by ``detente schema`` is generated from
these models, so the reference documentation and the validator cannot drift apart.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "FORMAT",
    "Evidence",
    "GraphModelSection",
    "OptionSpec",
    "PartySpec",
    "PublishedResult",
    "RankingSpec",
    "ScenarioDocument",
    "SourceSpec",
    "Statement",
]

FORMAT = "detente/1"

#: Ids double as names in logical expressions, so they follow the expression language's rules.
ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*([.-]+[A-Za-z0-9_]+)*$"
RESERVED = frozenset({"true", "false", "not", "and", "or", "implies", "iff"})


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _check_id(value: str) -> str:
    if value.lower() in RESERVED:
        raise ValueError(
            f"{value!r} is a reserved word of the expression language; pick another id"
        )
    return value


class Evidence(_Record):
    """Where an assumption comes from: a declared source and a short quoted phrase."""

    source: str = Field(description="Id of an entry in `sources`.")
    quote: str | None = Field(None, description="A short phrase from the source.")
    where: str | None = Field(None, description="Page, section, table or paragraph.")


class _Provenance(_Record):
    because: str | None = Field(None, description="Why this assumption holds, in plain words.")
    evidence: tuple[Evidence, ...] = Field((), description="Sources backing the assumption.")


class SourceSpec(_Record):
    """A publication or document the scenario relies on."""

    id: str = Field(pattern=ID_PATTERN)
    title: str
    authors: str | tuple[str, ...] | None = None
    year: int | None = None
    publisher: str | None = None
    url: str | None = None
    note: str | None = None


class PartySpec(_Record):
    """A party (decision maker) to the negotiation."""

    id: str = Field(pattern=ID_PATTERN, description="Short identifier used everywhere else.")
    name: str | None = Field(None, description="Display name (defaults to the id).")
    description: str | None = None

    _id = field_validator("id")(_check_id)

    @property
    def display_name(self) -> str:
        return self.name or self.id


class OptionSpec(_Provenance):
    """A yes/no option controlled by one party."""

    id: str = Field(pattern=ID_PATTERN)
    party: str = Field(description="Id of the party that controls the option.")
    label: str | None = Field(None, description="What taking the option means.")
    moves: Literal["both", "forward", "backward"] = Field(
        "both",
        description="both: taken and withdrawn freely; forward: never withdrawn once taken; "
        "backward: never taken again once withdrawn.",
    )

    _id = field_validator("id")(_check_id)


class Statement(_Provenance):
    """A logical expression with its provenance (an infeasibility rule or preference statement).

    A plain string is accepted wherever a statement is expected.
    """

    expr: str = Field(description="Logical expression over option ids.")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"expr": value}
        return value


class RankingSpec(_Provenance):
    """An explicit ranking of state codes, best first; a nested list is a group of ties."""

    ranking: tuple[str | tuple[str, ...], ...] = Field(min_length=1)


class GraphModelSection(_Record):
    """The graph-model view of the conflict (Fang, Hipel & Kilgour 1993)."""

    options: tuple[OptionSpec, ...] = Field(min_length=1)
    infeasible: tuple[Statement, ...] = Field(
        (), description="Every state matching one of these expressions is removed."
    )
    preferences: dict[str, tuple[Statement, ...] | RankingSpec] = Field(
        description="Per party id: a list of statements (option prioritisation, most important "
        "first) or a mapping with `ranking`."
    )
    status_quo: str | None = Field(
        None, description="State code of the status quo; `-` in a position means either."
    )


class PublishedResult(_Record):
    """Equilibria reported in the literature for this scenario."""

    source: str
    where: str | None = None
    note: str | None = None
    equilibria: dict[Literal["nash", "gmr", "smr", "seq"], tuple[str, ...]]


class ScenarioDocument(_Record):
    """A whole scenario file."""

    format: Literal["detente/1"] = Field(description="Always `detente/1`.")
    title: str = Field(min_length=1)
    summary: str | None = None
    sources: tuple[SourceSpec, ...] = ()
    parties: tuple[PartySpec, ...] = Field(min_length=1)
    graph_model: GraphModelSection | None = None
    published_results: tuple[PublishedResult, ...] = ()
