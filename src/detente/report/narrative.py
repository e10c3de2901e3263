"""Plain-language account of an analysis: deterministic sentences built from the results.

No language model: every sentence is assembled from the stability verdicts, explanations,
perceived games, status-quo paths and bargaining figures, naming parties and options by their
labels so a policy reader can follow without the state codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from detente.bargaining.analysis import BargainingResult
from detente.graph_model.explain import explain_state
from detente.graph_model.hypergame import HypergameResult
from detente.graph_model.model import GraphModel
from detente.graph_model.stability import CONCEPT_NAMES, StabilityResult
from detente.graph_model.status_quo import StatusQuoResult
from detente.scenario.loader import Scenario

__all__ = ["Narrative", "describe_state", "narrate"]


@dataclass(frozen=True)
class Narrative:
    """Sections of sentences, in reading order."""

    headline: str
    equilibria: tuple[str, ...] = ()
    proposals: tuple[str, ...] = ()
    expectations: tuple[str, ...] = ()
    status_quo: tuple[str, ...] = ()
    bargaining: tuple[str, ...] = ()


def _join(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def describe_state(model: GraphModel, code: str) -> str:
    """What the parties are doing in a state, by option labels ("United States: partial
    relief; North Korea: dismantle Yongbyon"); parties taking no option are left out."""
    parts = []
    for i, party in enumerate(model.parties):
        taken = [
            o.label or o.id
            for k, o in enumerate(model.options)
            if int(model.owner[k]) == i and code[k] == "Y"
        ]
        if taken:
            parts.append(f"{party.name}: {_join(taken)}")
    return "; ".join(parts) if parts else "no option taken"


def _concept_list(concepts: Sequence[str]) -> str:
    return _join([c.upper() for c in concepts])


def _why_unstable(result: StabilityResult, code: str, concept: str) -> list[str]:
    """Sentences on who leaves ``code`` under ``concept`` and why no one stops them."""
    model = result.model
    sentences = []
    for party in model.parties:
        if result.is_stable(concept, party.id, code):
            continue
        explanation = explain_state(result, code, party.id)
        escapes = [
            item
            for item in explanation.improvements
            if concept == "nash" or item.sanctions.get(concept) is None
        ]
        if not escapes:
            continue
        best = escapes[0]
        moves = []
        if best.move.taken:
            moves.append("take " + _join([f"'{t}'" for t in best.move.taken]))
        if best.move.withdrawn:
            moves.append("drop " + _join([f"'{w}'" for w in best.move.withdrawn]))
        deterrent = (
            ""
            if concept == "nash"
            else ", and nothing the others can credibly do in reply leaves it worse off"
        )
        sentences.append(
            f"{party.name} does better to {' and '.join(moves)} "
            f"(moving to: {describe_state(model, best.move.after)}){deterrent}."
        )
    return sentences


def _why_stable(result: StabilityResult, code: str) -> str:
    model = result.model
    reasons = []
    for party in model.parties:
        explanation = explain_state(result, code, party.id)
        if not explanation.improvements:
            reasons.append(f"{party.name} has no move that it prefers")
            continue
        item = explanation.improvements[0]
        sanction = next((s for s in item.sanctions.values() if s is not None), None)
        if sanction is None:
            continue
        responder = model.parties[model.party_index(sanction.moves[0].party)].name
        reasons.append(
            f"if {party.name} moved (to: {describe_state(model, item.move.after)}), "
            f"{responder} could answer and leave {party.name} no better off"
        )
    return "; ".join(reasons)


def narrate(
    scenario: Scenario,
    stability: StabilityResult | None = None,
    hypergame: HypergameResult | None = None,
    status_quo: StatusQuoResult | None = None,
    bargaining: BargainingResult | None = None,
) -> Narrative:
    """Build the plain-language account of whatever analyses are given."""
    headline = scenario.title
    equilibria: list[str] = []
    proposals: list[str] = []
    expectations: list[str] = []
    paths: list[str] = []
    deals: list[str] = []
    if stability is not None:
        model = stability.model
        concepts = list(stability.concepts)
        if model.status_quo is not None:
            code = model.code(model.status_quo)
            holds = [c for c in concepts if stability.equilibrium_mask(c)[model.status_quo]]
            verdict = (
                f"is an equilibrium under {_concept_list(holds)}"
                if holds
                else "is not an equilibrium under any concept analysed"
            )
            headline = f"The status quo ({describe_state(model, code)}) {verdict}."
        for code in sorted(
            {c for k in concepts for c in stability.equilibria(k)}, key=model.index_of
        )[:12]:
            under = [c for c in concepts if stability.equilibrium_mask(c)[model.index_of(code)]]
            equilibria.append(
                f"{code} ({describe_state(model, code)}) is stable under "
                f"{_concept_list(under)}: {_why_stable(stability, code)}."
            )
        for proposal in scenario.proposals:
            code = model.code(int(model.states.searchsorted(proposal.state)))
            holds = [c for c in concepts if stability.equilibrium_mask(c)[model.index_of(code)]]
            who = f" (put forward by {_name(model, proposal.by)})" if proposal.by else ""
            if holds:
                proposals.append(
                    f"{proposal.label}{who} would hold: it is stable under {_concept_list(holds)}."
                )
                continue
            main: str = "seq" if "seq" in concepts else concepts[-1]
            reasons = _why_unstable(stability, code, main)
            proposals.append(
                f"{proposal.label}{who} is not an equilibrium under any concept. "
                f"Under {CONCEPT_NAMES[main]}: " + " ".join(reasons)
            )
    if hypergame is not None and stability is not None:
        model = stability.model
        focus: str = "seq" if "seq" in hypergame.concepts else hypergame.concepts[-1]
        for party in hypergame.misperceiving():
            wrong, missed = hypergame.surprises(party, focus)
            name = _name(model, party)
            if wrong:
                states = "; or ".join(describe_state(model, c) for c in wrong[:3])
                expectations.append(
                    f"{name} expected outcomes that the real game does not "
                    f"support ({CONCEPT_NAMES[main]}): {states}."
                )
            if missed:
                states = "; or ".join(describe_state(model, c) for c in missed[:3])
                expectations.append(f"{name} did not foresee: {states}.")
            if not wrong and not missed:
                expectations.append(
                    f"{name} misjudged the others' preferences, but its "
                    "expected equilibria match the real ones."
                )
    if status_quo is not None and stability is not None:
        model = stability.model
        for code, path in status_quo.by_improvements.items():
            if not path:
                continue
            steps = "; then ".join(
                f"{_name(model, s.party)} moves (to: {describe_state(model, s.after)})"
                for s in path
            )
            paths.append(
                f"From the status quo the parties can reach "
                f"{describe_state(model, code)} by moves that each gain: {steps}."
            )
        if not paths:
            paths.append(
                "No party gains by moving away from the status quo on its own, so no "
                "sequence of moves that each gain leads anywhere else."
            )
        for concept in stability.concepts[-1:]:
            unreachable = status_quo.unreachable(concept)
            if unreachable:
                paths.append(
                    f"{len(unreachable)} {concept.upper()} equilibria cannot be reached "
                    "from the status quo by any sequence of moves."
                )
    if bargaining is not None:
        deals += _bargaining_sentences(bargaining)
    headline += _headline_tail(scenario, stability, bargaining)
    return Narrative(
        headline=headline,
        equilibria=tuple(equilibria),
        proposals=tuple(proposals),
        expectations=tuple(expectations),
        status_quo=tuple(paths),
        bargaining=tuple(deals),
    )


def _headline_tail(
    scenario: Scenario, stability: StabilityResult | None, bargaining: BargainingResult | None
) -> str:
    """The verdict on the proposals and on the bargaining zone, for the headline."""
    parts = []
    offers = [p for p in scenario.proposals if p.by is not None]
    if stability is not None and offers:
        model = stability.model
        holding = [
            p.label
            for p in offers
            if any(
                stability.equilibrium_mask(c)[int(model.states.searchsorted(p.state))]
                for c in stability.concepts
            )
        ]
        if not holding:
            parts.append(
                f"none of the {len(offers)} offers on the table is stable under any concept"
                if len(offers) > 1
                else "the offer on the table is not stable under any concept"
            )
        else:
            parts.append(f"of the offers, only {_join(holding)} would hold")
    if bargaining is not None:
        if bargaining.zone_empty and bargaining.gap is not None:
            parts.append(
                f"no package beats walking away for every side (gap {bargaining.gap.total:.3g})"
            )
        else:
            parts.append(f"{bargaining.zone_size} packages beat walking away for every side")
    if not parts:
        return ""
    tail = "; ".join(parts)
    return " " + tail[0].upper() + tail[1:] + "."


def _name(model: GraphModel, party: str | None) -> str:
    if party is None:
        return ""
    return model.parties[model.party_index(party)].name


def _bargaining_sentences(result: BargainingResult) -> list[str]:
    problem = result.problem
    names = [p.name for p in problem.parties]
    sentences = []
    if result.gap is not None:
        values = ", ".join(f"{k} {v}" for k, v in problem.outcome(result.gap.outcome).items())
        who = _join(
            [
                f"{n} would have to accept {c:.3g} less than walking away gives it"
                for n, c in zip(names, result.gap.concessions, strict=True)
                if c > 0
            ]
        )
        sentences.append(
            f"No package on the table gives every side at least what walking away gives it: "
            f"the zone of possible agreement is empty. The closest package ({values}) falls "
            f"short by {result.gap.total:.3g} in total: {who}."
        )
    else:
        nash = result.solutions["nash"]
        values = ", ".join(f"{k} {v}" for k, v in nash.values.items())
        sentences.append(
            f"{result.zone_size} packages beat walking away for every side; the "
            f"Nash bargaining solution is {values}."
        )
    patient = max(range(len(names)), key=lambda i: result.powers[i])
    discounts = ", ".join(f"{n} {d:g}" for n, d in zip(names, problem.discount, strict=True))
    sentences.append(
        f"Time pressure (discount factors per round: {discounts}) gives "
        f"{names[patient]} the stronger hand: it can afford to wait or walk away "
        f"(bargaining power {result.powers[patient]:.2f})."
    )
    return sentences
