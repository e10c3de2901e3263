"""Background runs: what each kind of run takes, does and returns.

A run works on the text of one saved scenario version and reports progress as
``progress(done, total)``. It returns its result as JSON-ready data and, for the kinds that
make one, the HTML report. Nothing here knows about processes or the web: the job manager runs
:func:`execute` in a worker process, and tests call it directly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from detente.errors import DetenteError
from detente.scenario.loader import Scenario, load_scenario_text

__all__ = ["KINDS", "ParamsError", "Progress", "check_params", "execute", "preflight"]

Progress = Callable[[int, int], None]
Concept = Literal["nash", "gmr", "smr", "seq"]


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnalysisParams(_Params):
    concepts: list[Concept] | None = Field(default=None, min_length=1)


class SimulationParams(_Params):
    a: Annotated[str, Field(min_length=1, max_length=200)] = "boulware"
    b: Annotated[str, Field(min_length=1, max_length=200)] = "conceder"
    deadline: Annotated[int, Field(ge=1, le=10_000)] | None = None
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = None
    repeats: Annotated[int, Field(ge=1, le=1_000)] = 20


class RobustnessParams(_Params):
    samples: Annotated[int, Field(ge=1, le=100_000)] = 400
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] | None = None
    uncertainty: dict[str, Any] | None = None


class InverseParams(_Params):
    state: Annotated[str, Field(min_length=1, max_length=64)]
    concept: Concept = "gmr"
    parties: list[str] | None = None
    # Default: orders of each party's statements (as `detente whatif inverse` and the report)
    # when every varying party states its preferences as statements, else strict rankings.
    mode: Literal["statements", "ranking"] | None = None


class ChangeParams(_Params):
    state: Annotated[str, Field(min_length=1, max_length=500)]
    concept: Concept = "seq"


class ReportParams(_Params):
    pass


Spec = Annotated[str, Field(min_length=1, max_length=200)]


class TournamentParams(_Params):
    strategies: list[Spec] = Field(
        default_factory=lambda: ["boulware", "linear", "conceder", "hardliner", "nash_seeking"],
        min_length=2,
        max_length=12,
    )
    repetitions: Annotated[int, Field(ge=1, le=200)] = 5
    deadline: Annotated[int, Field(ge=1, le=10_000)] | None = None
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0


KINDS: dict[str, type[_Params]] = {
    "analysis": AnalysisParams,
    "simulation": SimulationParams,
    "robustness": RobustnessParams,
    "inverse": InverseParams,
    "change": ChangeParams,
    "report": ReportParams,
    "tournament": TournamentParams,
}


class ParamsError(DetenteError, ValueError):
    """Run parameters that do not fit the kind of run."""


def check_params(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters with defaults filled in; :class:`ParamsError` saying what is wrong."""
    if kind not in KINDS:
        raise ParamsError(f"unknown kind of run {kind!r}; the kinds are {', '.join(KINDS)}")
    try:
        checked = KINDS[kind].model_validate(params)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'params'}: {e['msg']}" for e in error.errors()
        )
        raise ParamsError(f"bad parameters for a {kind} run: {problems}") from None
    return checked.model_dump(exclude_none=False)


def preflight(kind: str, scenario: Scenario, params: dict[str, Any]) -> None:
    """Refuse at once what a run of ``kind`` would only discover in its worker: a missing
    section, an unknown strategy, state or party, a malformed uncertainty."""
    checked: Any = KINDS[kind].model_validate(params)
    if kind in ("simulation", "tournament"):
        _two_party_problem(scenario, checked.deadline)
        from detente.simulation.strategies.registry import strategy_from_spec

        specs = [checked.a, checked.b] if kind == "simulation" else checked.strategies
        names = [strategy_from_spec(spec).name for spec in specs]
        twice = sorted({name for name in names if names.count(name) > 1})
        if kind == "tournament" and twice:
            raise DetenteError(
                f"strategies: {', '.join(twice)} listed more than once; a tournament plays "
                "each strategy against every other, so list each once"
            )
    elif kind == "robustness":
        from detente.whatif.uncertainty import compile_uncertainty, parse_uncertainty

        spec = checked.uncertainty
        if spec is None and scenario.uncertainty is None:
            raise DetenteError(_NO_UNCERTAINTY)
        if spec is not None:
            compile_uncertainty(parse_uncertainty(spec, "params.uncertainty", base=()), scenario)
    elif kind in ("inverse", "change"):
        model = scenario.graph_model
        if model is None:
            raise DetenteError(f"a {kind} run needs a graph_model section")
        if kind == "inverse":
            model.index_of(checked.state)
            for party in checked.parties or ():
                model.party_index(party)
            if checked.mode == "statements" and _inverse_mode(scenario, checked.parties) != (
                "statements"
            ):
                raise DetenteError(
                    "mode statements: a varying party ranks states explicitly and has no "
                    "statements to reorder; use mode ranking, or leave mode out"
                )
        else:
            from detente.whatif.reordering import target_states

            target_states(model, checked.state)


_NO_UNCERTAINTY = (
    "this scenario states no uncertainty: add an `uncertainty:` section or give one with the run"
)


def _two_party_problem(scenario: Scenario, deadline: int | None) -> Any:
    problem = scenario.bargaining
    if problem is None:
        raise DetenteError("this scenario has no bargaining section to negotiate over")
    if len(problem.parties) != 2:
        raise DetenteError(
            f"a simulation plays two parties; this scenario has {len(problem.parties)}"
        )
    if deadline is None and problem.deadline is None:
        raise DetenteError("the scenario has no deadline: give the number of rounds")
    return problem


def execute(
    kind: str, text: str, params: dict[str, Any], progress: Progress
) -> tuple[Any, str | None]:
    """Do one run; returns ``(result, html report or None)``. Raises DetenteError on bad
    input (the message is shown to the user)."""
    scenario = load_scenario_text(text, source="workspace scenario")
    checked = KINDS[kind].model_validate(params)
    handler = _HANDLERS[kind]
    return handler(scenario, checked, progress)


def _analysis(scenario: Scenario, params: Any, progress: Progress) -> tuple[Any, str | None]:
    from detente.bargaining.export import bargaining_document
    from detente.report import collect, render_html
    from detente.workbench import views

    if scenario.graph_model is None and scenario.bargaining is None:
        raise DetenteError("this scenario has neither a graph model nor a bargaining section")
    progress(0, 2)
    data = collect(scenario)  # every analysis the report needs, done once
    progress(1, 2)
    told = views.sentences(data.narrative)
    result: dict[str, Any] = {"verdict": told}
    stability = data.stability
    if stability is not None:
        if params.concepts is None or set(params.concepts) == set(stability.concepts):
            result = views.assemble_analysis(stability, data.hypergame, data.status_quo, told)
        else:
            result = views.analysis_view(scenario, params.concepts, interactive=False)
    if data.bargaining is not None:
        result["bargaining"] = bargaining_document(data.bargaining)
    html = render_html(data)
    progress(2, 2)
    return result, html


def _report(scenario: Scenario, params: Any, progress: Progress) -> tuple[Any, str | None]:
    from detente.report import collect, render_html

    progress(0, 1)
    data = collect(scenario)
    progress(1, 1)
    narrative = data.narrative
    sentences = [narrative.headline, *narrative.equilibria, *narrative.bargaining]
    return {"sentences": sentences}, render_html(data)


def _simulation(scenario: Scenario, params: Any, progress: Progress) -> tuple[Any, str | None]:
    from detente.simulation import simulate
    from detente.simulation.export import simulation_document
    from detente.simulation.strategies.registry import strategy_from_spec

    deadline = params.deadline
    problem = _two_party_problem(scenario, deadline)
    base = params.seed if params.seed is not None else 0
    first: dict[str, Any] | None = None
    agreements = 0
    totals = [0.0, 0.0]
    rounds = []
    progress(0, params.repeats)
    for k in range(params.repeats):
        strategies = [strategy_from_spec(params.a), strategy_from_spec(params.b)]
        trace = simulate(problem, strategies, seed=base + k, deadline=deadline)
        if first is None:
            first = simulation_document(problem, trace)
        ending = trace.ending
        agreements += ending.agreement is not None
        totals = [t + u for t, u in zip(totals, ending.utilities, strict=True)]
        rounds.append(int(ending.round))
        progress(k + 1, params.repeats)
    parties = [p.id for p in problem.parties]
    return {
        "simulation": first,
        "repeats": params.repeats,
        "agreements": agreements,
        "mean_utilities": {
            p: round(t / params.repeats, 12) for p, t in zip(parties, totals, strict=True)
        },
        "rounds": rounds,
    }, None


def _tournament(scenario: Scenario, params: Any, progress: Progress) -> tuple[Any, str | None]:
    from detente.simulation.strategies.registry import parse_strategy_spec
    from detente.simulation.tournament import batch_engine, run_tournament
    from detente.simulation.tournament_config import (
        ProblemScenario,
        StrategyEntry,
        TournamentConfig,
    )

    problem = _two_party_problem(scenario, params.deadline)
    entries = []
    for spec in params.strategies:
        name, arguments = parse_strategy_spec(spec)
        entries.append(StrategyEntry(name=name, **arguments))
    config = TournamentConfig(
        title=scenario.title,
        scenarios=(ProblemScenario(problem=problem, id="scenario", deadline=params.deadline),),
        strategies=tuple(entries),
        repetitions=params.repetitions,
        seed=params.seed,
    )
    result = run_tournament(config, engine=batch_engine, progress=progress, chunk_size=50)
    summary = sorted(
        (item.as_row() for item in result.summary), key=lambda row: -row["utility_mean"]
    )
    best = summary[0]
    return {
        "played": result.played,
        "parties": [p.id for p in problem.parties],
        "summary": [
            f"{result.played:,} negotiations between {len(entries)} strategies, "
            f"{params.repetitions} repetition(s) of each pairing, seed {params.seed}.",
            f"{best['strategy']} did best: mean utility {best['utility_mean']:.3f}, agreement "
            f"in {best['agreement_mean']:.0%} of its negotiations.",
        ],
        "strategies": _finite(summary),
        "pairs": _pairs(result.rows),
        # Every negotiation, for the CSV download (up to a size a browser handles well).
        "rows": _finite([dict(row) for row in result.rows]) if result.played <= MAX_ROWS else None,
    }, None


MAX_ROWS = 20_000


def _pairs(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per ordered pair of strategies (first party's, second party's): how often they agreed
    and each side's mean utility."""
    totals: dict[tuple[str, str], list[float]] = {}
    for row in rows:
        key = (str(row["strategy_0"]), str(row["strategy_1"]))
        entry = totals.setdefault(key, [0.0, 0.0, 0.0, 0.0])
        entry[0] += 1
        entry[1] += bool(row["agreement"])
        entry[2] += float(row["utility_0"])
        entry[3] += float(row["utility_1"])
    return [
        {
            "first": a,
            "second": b,
            "negotiations": int(n),
            "agreement": agreed / n,
            "utility_first": round(u0 / n, 12),
            "utility_second": round(u1 / n, 12),
        }
        for (a, b), (n, agreed, u0, u1) in totals.items()
    ]


def _finite(value: Any) -> Any:
    """NaN and infinities (intervals of one observation) as null, for JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, np.generic):
        return _finite(value.item())
    return value


def _robustness(scenario: Scenario, params: Any, progress: Progress) -> tuple[Any, str | None]:
    from detente.whatif.robustness import robustness

    spec = params.uncertainty if params.uncertainty is not None else scenario.uncertainty
    if spec is None:
        raise DetenteError(_NO_UNCERTAINTY)
    result = robustness(
        scenario,
        spec,
        samples=params.samples,
        seed=params.seed,
        progress=progress,
        chunk_size=max(1, min(256, params.samples // 20 or 1)),
    )
    document = result.to_dict()
    document["summary"] = _robustness_summary(document)
    return document, None


def _robustness_summary(document: dict[str, Any]) -> list[str]:
    lines = [f"{document['samples']:,} sampled scenarios, seed {document['seed']}."]
    graph = document.get("graph_model")
    if graph:
        for entry in graph.get("states", [])[:8]:
            shares = ", ".join(
                f"{c.upper()} {v['probability']:.0%}"
                for c, v in entry.get("equilibrium", {}).items()
                if v.get("probability") is not None
            )
            lines.append(f"{entry['state']} is an equilibrium in {shares} of the samples.")
    bargaining = document.get("bargaining")
    if bargaining and bargaining.get("zone_open"):
        zone = bargaining["zone_open"]
        if zone.get("probability") is not None:
            lines.append(f"A zone of agreement opens in {zone['probability']:.0%} of the samples.")
    return lines


def _inverse(scenario: Scenario, params: Any, progress: Progress) -> tuple[Any, str | None]:
    from detente.whatif.inverse import inverse_analysis

    model = scenario.graph_model
    if model is None:
        raise DetenteError("inverse analysis needs a graph_model section")
    model.index_of(params.state)
    progress(0, 1)
    mode = params.mode or _inverse_mode(scenario, params.parties)
    found = inverse_analysis(
        model,
        params.state,
        params.concept,
        params.parties,
        mode=mode,
        statements=scenario if mode == "statements" else None,
        samples=5,
    )
    progress(1, 1)
    return {
        **found.to_dict(),
        # Counts can pass 2**53, beyond what JavaScript numbers hold exactly: also as text.
        "count_text": str(found.count),
        "total_text": str(found.total),
        "fraction": float(found.fraction),
        "variation": found.variation,
        "conditions": [str(c) for c in (*found.conditions, *found.statement_conditions)],
    }, None


def _inverse_mode(scenario: Scenario, parties: list[str] | None) -> str:
    """``statements`` when every varying party has a statement list, else ``ranking``."""
    section = scenario.document.graph_model
    preferences = {} if section is None else section.preferences
    varying = parties or list(preferences)
    ordered = all(isinstance(preferences.get(p), tuple) for p in varying)
    return "statements" if ordered else "ranking"


def _change(scenario: Scenario, params: Any, progress: Progress) -> tuple[Any, str | None]:
    from detente.whatif.reordering import NoChangeError
    from detente.whatif.smallest_change import smallest_change

    if scenario.graph_model is None:
        raise DetenteError("the smallest preference change needs a graph_model section")
    progress(0, 1)
    try:
        found = smallest_change(scenario, params.state, params.concept)
    except NoChangeError as error:
        progress(1, 1)
        return {"found": False, "summary": [str(error)], "cost": None, "swaps": []}, None
    progress(1, 1)
    return {
        **found.to_dict(),
        "found": True,
        "summary": found.describe().splitlines(),
        "states": list(found.states),
    }, None


_HANDLERS: dict[str, Callable[[Scenario, Any, Progress], tuple[Any, str | None]]] = {
    "analysis": _analysis,
    "simulation": _simulation,
    "robustness": _robustness,
    "inverse": _inverse,
    "change": _change,
    "report": _report,
    "tournament": _tournament,
}
