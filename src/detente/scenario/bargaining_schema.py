"""The ``bargaining`` section of a ``detente/1`` scenario: issues, utilities, walk-away values.

Shape only; cross-references (unknown issues or values, weights that do not sum to one, scores
outside [0, 1]) are checked when the section is compiled, in
:mod:`detente.scenario.compile_bargaining`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictBool, model_validator

from detente.scenario.records import ID_PATTERN, Provenance, Record

__all__ = [
    "BargainingPreferences",
    "BargainingSection",
    "IssueSpec",
    "PhasingSpec",
    "RangeSpec",
    "TermScore",
    "TermSpec",
    "Value",
]

#: An issue value as written: a name or a number (a YAML yes/no is kept as such, to be refused).
Value = Annotated[StrictBool | str | int | float, Field(union_mode="left_to_right")]


class RangeSpec(Record):
    """A numeric issue discretised from ``min`` to ``max`` in steps of ``step``."""

    min: float
    max: float
    step: float = Field(gt=0)


class IssueSpec(Provenance):
    """One negotiated issue: a list of discrete values, or a numeric range with a step."""

    id: str = Field(pattern=ID_PATTERN)
    label: str | None = None
    values: tuple[Value, ...] | None = Field(None, min_length=1)
    range: RangeSpec | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> IssueSpec:
        if (self.values is None) == (self.range is None):
            raise ValueError("give either `values` (a list) or `range` (min, max, step)")
        return self


class TermScore(Record):
    """The score of one combination of values; ``"*"`` matches any value of that issue."""

    values: tuple[Value, ...] = Field(min_length=1)
    score: float


class TermSpec(Provenance):
    """A utility term over one or more issues (for interdependent issues).

    The first entry of ``scores`` whose values match an outcome gives the term's score; outcomes
    matching no entry score ``default``.
    """

    issues: tuple[str, ...] = Field(min_length=1)
    weight: float = 1.0
    scores: tuple[TermScore, ...] = ()
    default: float | None = None


class BargainingPreferences(Provenance):
    """One party's utility over outcomes, its walk-away value and its patience.

    Linear-additive utilities give ``weights`` and ``scores``; general utilities give ``terms``
    (both may be combined: the linear part and the terms add up).
    """

    weights: dict[str, float] | None = None
    scores: dict[str, dict[Value, float]] | None = None
    terms: tuple[TermSpec, ...] = ()
    normalize_weights: bool = Field(
        False, description="Scale the weights (and term weights) to sum to 1."
    )
    reservation: float = Field(
        0.0, description="Utility of walking away (the best alternative to agreement)."
    )
    discount: float = Field(1.0, description="Factor applied to utility per round of delay.")


class PhasingSpec(Provenance):
    """A deal delivered in reciprocal stages, for phased-agreement analysis under low trust.

    ``delivered_by`` names the party that concedes each issue, ``baseline`` each such issue's
    value before anything is delivered; ``reversible`` is the share of a party's concessions it
    can take back (sanctions can snap back, dismantling cannot).
    """

    target: dict[str, Value] = Field(description="The deal to reach: issue id to value.")
    delivered_by: dict[str, str] = Field(description="Issue id to the party that concedes it.")
    baseline: dict[str, Value] = Field(description="Issue id to its value before delivery.")
    reversible: dict[str, float] = Field(default_factory=dict)
    max_stages: int = Field(4, ge=1, le=12)
    beliefs: float = Field(1.0, description="Each side's belief that the other keeps delivering.")
    verification: float = Field(0.0, description="Chance that cheating is caught in time.")


class BargainingSection(Record):
    """The bargaining view of the negotiation (Nash 1950; Rubinstein 1982)."""

    issues: tuple[IssueSpec, ...] = Field(min_length=1)
    preferences: dict[str, BargainingPreferences] = Field(
        description="Per party id: utility, reservation value and discount factor."
    )
    deadline: int | None = Field(None, ge=1, description="Rounds before talks end.")
    first_proposer: str | None = Field(None, description="Party that proposes first.")
    phasing: PhasingSpec | None = Field(
        None, description="A phased version of a deal, to test whether it survives low trust."
    )
