"""The ``detente/1`` scenario document: what a scenario file may contain, field by field.

These pydantic models check the *shape* of a scenario (types, required fields, no unknown keys);
cross-references (unknown ids, expressions, rankings) are checked when the scenario is compiled,
in :mod:`detente.scenario.compile`. The JSON Schema printed by ``detente schema`` is generated from
these models, so the reference documentation and the validator cannot drift apart.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from detente.scenario.bargaining_schema import BargainingSection
from detente.scenario.records import (
    ID_PATTERN,
    Evidence,
    Provenance,
    Record,
    check_id,
)

__all__ = [
    "FORMAT",
    "Evidence",
    "GraphModelSection",
    "OptionSpec",
    "PartySpec",
    "ProposalSpec",
    "PublishedResult",
    "RankingSpec",
    "ScenarioDocument",
    "SourceSpec",
    "Statement",
]

FORMAT = "detente/1"


class SourceSpec(Record):
    """A publication or document the scenario relies on."""

    id: str = Field(pattern=ID_PATTERN)
    title: str
    authors: str | tuple[str, ...] | None = None
    year: int | None = None
    publisher: str | None = None
    url: str | None = None
    note: str | None = None


class PartySpec(Record):
    """A party (decision maker) to the negotiation."""

    id: str = Field(pattern=ID_PATTERN, description="Short identifier used everywhere else.")
    name: str | None = Field(None, description="Display name (defaults to the id).")
    description: str | None = None

    _id = field_validator("id")(check_id)

    @property
    def display_name(self) -> str:
        return self.name or self.id


class OptionSpec(Provenance):
    """A yes/no option controlled by one party."""

    id: str = Field(pattern=ID_PATTERN)
    party: str = Field(description="Id of the party that controls the option.")
    label: str | None = Field(None, description="What taking the option means.")
    moves: Literal["both", "forward", "backward"] = Field(
        "both",
        description="both: taken and withdrawn freely; forward: never withdrawn once taken; "
        "backward: never taken again once withdrawn.",
    )

    _id = field_validator("id")(check_id)


class Statement(Provenance):
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


class RankingSpec(Provenance):
    """An explicit ranking of state codes, best first; a nested list is a group of ties."""

    ranking: tuple[str | tuple[str, ...], ...] = Field(min_length=1)


class ProposalSpec(Provenance):
    """A salient state: an offer made, a deal discussed, an outcome feared."""

    id: str = Field(pattern=ID_PATTERN)
    label: str | None = None
    state: str = Field(
        description="A state code (`-` for either), or a logical expression over options that "
        "matches exactly one feasible state."
    )
    by: str | None = Field(None, description="The party that proposed it, if any.")


class GraphModelSection(Record):
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
    proposals: tuple[ProposalSpec, ...] = Field(
        (), description="Salient states (offers on the table) to explain in reports."
    )
    perceptions: dict[str, dict[str, tuple[Statement, ...] | RankingSpec]] = Field(
        default_factory=dict,
        description="Misperception (hypergames): per perceiving party, the preferences it "
        "believes other parties have (same syntax as `preferences`).",
    )


class PublishedResult(Record):
    """Equilibria reported in the literature for this scenario."""

    source: str
    where: str | None = None
    note: str | None = None
    equilibria: dict[Literal["nash", "gmr", "smr", "seq"], tuple[str, ...]]


class ScenarioDocument(Record):
    """A whole scenario file."""

    format: Literal["detente/1"] = Field(description="Always `detente/1`.")
    title: str = Field(min_length=1)
    summary: str | None = None
    sources: tuple[SourceSpec, ...] = ()
    parties: tuple[PartySpec, ...] = Field(min_length=1)
    graph_model: GraphModelSection | None = None
    bargaining: BargainingSection | None = None
    published_results: tuple[PublishedResult, ...] = ()
    uncertainty: dict[str, Any] | None = Field(
        None,
        description="What is uncertain, for `detente robustness`: swappable preference "
        "statements, perception probabilities, ranges of bargaining parameters (checked when "
        "the scenario is loaded; see the robustness how-to).",
    )
