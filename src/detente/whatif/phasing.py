"""The scenario's own phased deal (``bargaining.phasing``), analysed and told in words."""

from __future__ import annotations

from detente.errors import DetenteError
from detente.scenario.compile_bargaining import phasing_values
from detente.scenario.loader import Scenario
from detente.whatif.phased import PhasedResult, phased_agreement

__all__ = ["phasing_sentences", "run_phasing"]


def run_phasing(
    scenario: Scenario,
    *,
    max_stages: int | None = None,
    beliefs: float | None = None,
    verification: float | None = None,
) -> PhasedResult:
    """:func:`phased_agreement` on ``bargaining.phasing``, with optional overrides."""
    section = scenario.document.bargaining
    if scenario.bargaining is None or section is None or section.phasing is None:
        raise DetenteError(
            f"{scenario.source} has no bargaining.phasing section: say which deal "
            "to phase, who delivers each issue and from what baseline"
        )
    spec = section.phasing
    stages = spec.max_stages if max_stages is None else max_stages
    return phased_agreement(
        scenario.bargaining,
        phasing_values(spec.target),
        max_stages=stages,
        beliefs=spec.beliefs if beliefs is None else beliefs,
        verification=spec.verification if verification is None else verification,
        delivered_by=dict(spec.delivered_by),
        baseline=phasing_values(spec.baseline),
        reversible=dict(spec.reversible),
        grid=10 if stages > 4 else 20,
    )


def phasing_sentences(result: PhasedResult) -> list[str]:
    """What the phased-agreement analysis found, in plain sentences."""
    names = list(result.inputs.parties)
    trust = f"trust {result.beliefs[0]:g}, verification {result.verification[0]:g}"
    if result.feasible:
        lines = [f"A phased deal works with {len(result.stages)} stage(s) at {trust}:"]
        for stage in result.stages:
            shares = ", ".join(
                f"{n} delivers {x:.0%}" for n, x in zip(names, stage.delivers, strict=True)
            )
            lines.append(f"  stage {stage.index + 1}: {shares}")
        return lines
    lines = [f"No phased schedule of at most {result.max_stages} stages works at {trust}."]
    if result.reason:
        lines.append(result.reason)
    if result.least_trust is not None:
        lines.append(
            f"It would work if each side trusted the other at least {result.least_trust:.3f}."
        )
    else:
        lines.append("No level of trust would make it work: the deal itself falls short.")
    return lines
