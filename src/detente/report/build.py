"""Everything a report shows, computed once: analyses, narrative, figures and assumptions."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from detente.bargaining.analysis import BargainingResult, solve_bargaining
from detente.errors import DetenteError
from detente.graph_model.hypergame import HypergameResult, analyze_hypergame
from detente.graph_model.stability import StabilityResult, analyze_stability
from detente.graph_model.status_quo import StatusQuoResult, status_quo_analysis
from detente.report.narrative import Narrative, narrate
from detente.scenario.loader import Scenario
from detente.scenario.records import Provenance
from detente.simulation.matchups import Matchup, matchups

__all__ = ["Assumption", "ReportData", "assumptions", "collect"]


@dataclass(frozen=True)
class Assumption:
    """One modelling choice with its reason and evidence, for the assumptions table."""

    where: str
    what: str
    because: str
    evidence: tuple[tuple[str, str], ...]  # (source title, quoted phrase)


@dataclass(frozen=True, eq=False)
class ReportData:
    """The analyses and figures behind a report."""

    scenario: Scenario
    stability: StabilityResult | None
    hypergame: HypergameResult | None
    status_quo: StatusQuoResult | None
    bargaining: BargainingResult | None
    matchups: tuple[Matchup, ...]
    whatif: tuple[str, ...]
    narrative: Narrative
    figures: dict[str, str]  # name -> SVG text
    figure_note: str | None


def _svg(figure: object) -> str:
    from detente.plots.bargaining import _pyplot

    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")  # type: ignore[attr-defined]
    _pyplot().close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def collect(scenario: Scenario, figures: bool = True) -> ReportData:
    """Run every analysis the scenario supports and draw the figures (when matplotlib is
    installed; otherwise the report says figures need the ``plot`` extra)."""
    stability = hypergame = status = None
    model = scenario.graph_model
    if model is not None:
        stability = analyze_stability(model)
        if scenario.perceptions:
            hypergame = analyze_hypergame(model, scenario.perceptions)
        if model.status_quo is not None:
            status = status_quo_analysis(stability)
    bargaining = solve_bargaining(scenario.bargaining) if scenario.bargaining else None
    played: tuple[Matchup, ...] = ()
    if scenario.bargaining is not None and len(scenario.bargaining.parties) == 2:
        played = matchups(scenario.bargaining)
    narrative = narrate(scenario, stability, hypergame, status, bargaining)
    whatif = what_would_have_worked(scenario) if stability is not None or bargaining else ()
    drawn: dict[str, str] = {}
    note = None
    if figures:
        try:
            from detente.plots.bargaining import plot_bargaining
            from detente.plots.graph import plot_state_graph

            if stability is not None:
                drawn["graph"] = _svg(plot_state_graph(stability))
            if bargaining is not None:
                drawn["bargaining"] = _svg(plot_bargaining(bargaining))
        except DetenteError as error:
            note = str(error)
    return ReportData(
        scenario,
        stability,
        hypergame,
        status,
        bargaining,
        played,
        whatif,
        narrative,
        drawn,
        note,
    )


def _inverse_sentences(scenario: Scenario, label: str, by: str, code: str) -> list[str]:
    """How many orders of the other side's preference statements would have let an offer hold
    (GMR), and what they share (:func:`detente.whatif.inverse_analysis`)."""
    from detente.errors import DetenteError
    from detente.whatif import inverse_analysis

    model = scenario.graph_model
    if model is None or len(model.parties) != 2:
        return []
    other = next(p for p in model.parties if p.id != by)
    try:
        result = inverse_analysis(
            model, code, "gmr", [other.id], mode="statements", statements=scenario, samples=0
        )
    except DetenteError:
        return []  # too many orders to count, or rankings instead of statements
    share = f"{result.count:,} of {result.total:,}"
    if result.count == 0:
        return [
            f"{label}: no order of {other.name}'s preference statements would have made it "
            f"hold under GMR (none of {result.total:,})."
        ]
    needs = [line.strip()[2:] for line in result.summary().splitlines() if line.startswith("  - ")][
        :2
    ]
    condition = f"; every one of them requires: {'; '.join(needs)}" if needs else ""
    return [
        f"{label} would have held under GMR for {share} orders of {other.name}'s "
        f"preference statements{condition}."
    ]


def what_would_have_worked(scenario: Scenario) -> tuple[str, ...]:
    """Sentences on the smallest changes that would have made each offer hold, and that would
    have opened the bargaining zone (:mod:`detente.whatif`)."""
    from detente.errors import DetenteError
    from detente.whatif import bargaining_change, smallest_change

    sentences = []
    model = scenario.graph_model
    for proposal in scenario.proposals:
        if model is None or proposal.by is None:
            continue
        code = model.code(int(model.states.searchsorted(proposal.state)))
        sentences += _inverse_sentences(scenario, proposal.label, proposal.by, code)
        for concept in ("gmr", "seq"):
            try:
                change = smallest_change(scenario, code, concept, max_models=5000)
            except DetenteError as error:
                sentences.append(f"{proposal.label} under {concept.upper()}: {error}")
                continue
            swaps = "; ".join(swap.describe() for swap in change.swaps) or "no change needed"
            sentences.append(
                f"{proposal.label} would have held under {concept.upper()} with "
                f"{change.cost:g} swap(s) of preference statements: {swaps}."
            )
    bargaining = scenario.bargaining
    section = scenario.document.bargaining
    if bargaining is not None and section is not None and section.phasing is not None:
        from detente.whatif.phasing import phasing_sentences, run_phasing

        sentences.append(" ".join(phasing_sentences(run_phasing(scenario))))
    if bargaining is not None:
        for kind in ("reservation", "weights", "scores"):
            try:
                deal = bargaining_change(scenario, kind)
            except DetenteError as error:
                sentences.append(f"Changing {kind} alone cannot open a deal: {error}")
                continue
            if deal.cost == 0:
                sentences.append("Some package already beats walking away for every side.")
                break
            moves = "; ".join(
                f"{c.party_name}: {c.label} {c.before:.3g} → {c.after:.3g}" for c in deal.changes
            )
            values = ", ".join(f"{k} {v}" for k, v in deal.values.items())
            sentences.append(
                f"The smallest change of {kind} (total {deal.cost:.3g}) that opens "
                f"a deal, at {values}: {moves}."
            )
    return tuple(sentences)


def assumptions(scenario: Scenario) -> Iterator[Assumption]:
    """Every assumption in the scenario that carries a reason or evidence."""
    document = scenario.document
    titles = {s.id: s.title for s in document.sources}

    def item(where: str, what: str, record: Provenance) -> Assumption | None:
        if not record.because and not record.evidence:
            return None
        evidence = tuple((titles.get(e.source, e.source), e.quote or "") for e in record.evidence)
        return Assumption(where, what, record.because or "", evidence)

    found: list[Assumption | None] = []
    section = document.graph_model
    if section is not None:
        found += [
            item("option", f"{o.id}: {o.label or o.id} ({o.party}, moves {o.moves})", o)
            for o in section.options
        ]
        found += [item("infeasible", rule.expr, rule) for rule in section.infeasible]
        for party, spec in section.preferences.items():
            if isinstance(spec, tuple):
                found += [
                    item(f"preference of {party}", f"{k + 1}. {s.expr}", s)
                    for k, s in enumerate(spec)
                ]
            else:
                found.append(item(f"preference of {party}", "ranking", spec))
        for perceiver, beliefs in section.perceptions.items():
            for perceived, spec in beliefs.items():
                where = f"{perceiver}'s view of {perceived}"
                if isinstance(spec, tuple):
                    found += [item(where, f"{k + 1}. {s.expr}", s) for k, s in enumerate(spec)]
                else:
                    found.append(item(where, "ranking", spec))
        found += [item("proposal", f"{p.label or p.id}: {p.state}", p) for p in section.proposals]
    if document.bargaining is not None:
        found += [item("issue", i.id, i) for i in document.bargaining.issues]
        for party, prefs in document.bargaining.preferences.items():
            found.append(
                item(
                    f"bargaining: {party}",
                    f"reservation {prefs.reservation}, discount {prefs.discount}",
                    prefs,
                )
            )
            found += [
                item(f"bargaining: {party}", f"term over {', '.join(t.issues)}", t)
                for t in prefs.terms
            ]
    yield from (a for a in found if a is not None)
