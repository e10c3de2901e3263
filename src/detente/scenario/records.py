"""Building blocks shared by every section of a scenario document: ids and provenance."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ID_PATTERN", "RESERVED", "Evidence", "Provenance", "Record", "check_id"]

#: Ids double as names in logical expressions, so they follow the expression language's rules.
ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*([.-]+[A-Za-z0-9_]+)*$"
RESERVED = frozenset({"true", "false", "not", "and", "or", "implies", "iff"})


class Record(BaseModel):
    """Immutable, and unknown keys are errors (they are usually typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def check_id(value: str) -> str:
    """Refuse ids that the expression language reads as keywords."""
    if value.lower() in RESERVED:
        raise ValueError(
            f"{value!r} is a reserved word of the expression language; pick another id"
        )
    return value


class Evidence(Record):
    """Where an assumption comes from: a declared source and a short quoted phrase."""

    source: str = Field(description="Id of an entry in `sources`.")
    quote: str | None = Field(None, description="A short phrase from the source.")
    where: str | None = Field(None, description="Page, section, table or paragraph.")


class Provenance(Record):
    """Why an assumption holds (``because``) and what backs it (``evidence``)."""

    because: str | None = Field(None, description="Why this assumption holds, in plain words.")
    evidence: tuple[Evidence, ...] = Field((), description="Sources backing the assumption.")
