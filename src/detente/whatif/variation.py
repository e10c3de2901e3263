"""Reading how preferences may vary, from the arguments of :func:`~.inverse.inverse_analysis`.

Turns ``mode``, ``free_states`` and ``statements`` into one :class:`~.spaces.OrderingSpace` per
varying party, checking every input and saying how to fix it when it is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.errors import DetenteError
from detente.expressions import check_names, parse_expression
from detente.graph_model.model import GraphModel
from detente.scenario.loader import Scenario
from detente.scenario.schema import RankingSpec
from detente.whatif.spaces import OrderingSpace, ReorderedStates, StatementOrders, StrictRankings

__all__ = ["MODES", "FreeStates", "StatementInput", "ordering_spaces"]

MODES = ("ranking", "statements")

#: Per party id, statements as expressions (text) or as a truth array (statements × states).
StatementInput: TypeAlias = Scenario | Mapping[str, Sequence[str] | ArrayLike]
#: State codes that may be reordered: one list for every varying party, or a list per party id.
FreeStates: TypeAlias = Sequence[str] | Mapping[str, Sequence[str]]


def ordering_spaces(
    model: GraphModel,
    varying: Sequence[int],
    mode: str,
    statements: StatementInput | None,
    free_states: FreeStates | None,
) -> list[OrderingSpace]:
    """One space per varying party, in the order of ``varying``."""
    if mode not in MODES:
        raise DetenteError(f"unknown mode {mode!r}; choose 'ranking' or 'statements'")
    if mode == "statements":
        if free_states is not None:
            raise DetenteError(
                "free_states applies to mode='ranking' only; in mode='statements' the "
                "statements are reordered"
            )
        return _statement_spaces(model, varying, statements)
    if statements is not None:
        raise DetenteError("statements= is used with mode='statements' only")
    if free_states is None:
        return [StrictRankings(model, party) for party in varying]
    spaces: list[OrderingSpace] = []
    for party in varying:
        codes = _free_codes(model, party, free_states)
        indices = sorted({model.index_of(code) for code in codes})
        if len(indices) != len(codes):
            raise DetenteError(f"free_states for {model.parties[party].id!r} repeats a state")
        spaces.append(ReorderedStates(model, party, np.array(indices, dtype=np.int64)))
    return spaces


def _free_codes(model: GraphModel, party: int, free_states: FreeStates) -> Sequence[str]:
    if isinstance(free_states, str):
        raise DetenteError("free_states must be a list of state codes, not one string")
    if isinstance(free_states, Mapping):
        party_id = model.parties[party].id
        unknown = sorted(set(free_states) - {p.id for p in model.parties})
        if unknown:
            known = ", ".join(p.id for p in model.parties)
            raise DetenteError(f"free_states names unknown parties {unknown}; parties: {known}")
        if party_id not in free_states:
            raise DetenteError(
                f"free_states gives no states for varying party {party_id!r}; give a list for "
                "every varying party, or one list for all"
            )
        codes: Sequence[str] = free_states[party_id]
        return codes
    return free_states


def _statement_spaces(
    model: GraphModel, varying: Sequence[int], statements: StatementInput | None
) -> list[OrderingSpace]:
    if statements is None:
        raise DetenteError(
            "mode='statements' needs statements=: the scenario, or per varying party a list of "
            "expressions or a boolean array (statements × feasible states)"
        )
    source: Mapping[str, Any]
    if isinstance(statements, Scenario):
        source = _scenario_statements(model, statements)
    else:
        source = statements
    spaces: list[OrderingSpace] = []
    for party in varying:
        party_id = model.parties[party].id
        if party_id not in source:
            raise DetenteError(f"no statements given for varying party {party_id!r}")
        entry = source[party_id]
        if isinstance(entry, RankingSpec):
            raise DetenteError(
                f"party {party_id!r} ranks states explicitly and has no statements to reorder; "
                "use mode='ranking' for it"
            )
        truth, texts = _truths(model, party_id, entry)
        spaces.append(StatementOrders(model, party, truth, texts))
    return spaces


def _scenario_statements(model: GraphModel, scenario: Scenario) -> Mapping[str, Any]:
    compiled = scenario.graph_model
    section = scenario.document.graph_model
    if compiled is None or section is None:
        raise DetenteError(f"scenario {scenario.title!r} has no graph model")
    same = [o.id for o in compiled.options] == [o.id for o in model.options] and np.array_equal(
        compiled.states, model.states
    )
    if not same:
        raise DetenteError(
            "the scenario given as statements= does not match the model: pass the scenario's "
            "own graph_model"
        )
    return {
        party: spec if isinstance(spec, RankingSpec) else [s.expr for s in spec]
        for party, spec in section.preferences.items()
    }


def _truths(
    model: GraphModel, party_id: str, entry: Sequence[str] | ArrayLike
) -> tuple[NDArray[np.bool_], tuple[str, ...]]:
    n = model.n_states
    if isinstance(entry, str):
        raise DetenteError(f"statements for {party_id!r} must be a list, not one string")
    if isinstance(entry, Sequence) and entry and all(isinstance(e, str) for e in entry):
        option_ids = [o.id for o in model.options]
        bits = {
            option: ((model.states >> k) & 1).astype(bool) for k, option in enumerate(option_ids)
        }
        texts = tuple(str(e) for e in entry)
        rows = []
        for text in texts:
            expression = parse_expression(text)
            check_names(expression, option_ids, text)
            rows.append(np.broadcast_to(np.asarray(expression.evaluate(bits), dtype=bool), (n,)))
        return np.stack(rows), texts
    truth = np.asarray(entry)
    if truth.ndim != 2 or truth.shape[1] != n or truth.shape[0] == 0 or truth.dtype != bool:
        raise DetenteError(
            f"statements for {party_id!r}: expected expressions or a boolean array of shape "
            f"(statements, {n}) aligned with the model's feasible states, got "
            f"{truth.dtype} array of shape {truth.shape}"
        )
    return truth, tuple(f"statement {k + 1}" for k in range(truth.shape[0]))
