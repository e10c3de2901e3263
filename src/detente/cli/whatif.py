"""``detente whatif``: what would it have taken (inverse analysis, smallest changes)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from detente.cli.common import (
    FileArgument,
    UsageError,
    check_format,
    load_target,
    out,
    user_errors,
    values_text,
    write_mapping,
)
from detente.scenario import Scenario
from detente.scenario.compile import resolve_state
from detente.whatif.phased import PhasedResult

__all__ = ["whatif_app"]

whatif_app = typer.Typer(
    help="What would it have taken: inverse analysis and smallest changes.", no_args_is_help=True
)


@whatif_app.command("inverse")
def whatif_inverse(
    file: FileArgument,
    state: Annotated[
        str,
        typer.Option(
            help="The state wanted: a code, a pattern with -, or an expression over options."
        ),
    ],
    concept: Annotated[str, typer.Option(help="nash, gmr, smr or seq.")] = "seq",
    party: Annotated[
        list[str] | None,
        typer.Option(help="Party whose preferences may vary (repeatable; default: all)."),
    ] = None,
    mode: Annotated[
        str,
        typer.Option(
            help="statements (reorder each party's preference "
            "statements) or ranking (any strict ranking)."
        ),
    ] = "statements",
    samples: Annotated[int, typer.Option(help="Example orderings to list.", min=0)] = 3,
    seed: Annotated[int | None, typer.Option(help="Seed for the examples.")] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Under which preferences would a state be an equilibrium? Counts, examples, conditions."""
    from detente.whatif import inverse_analysis

    with user_errors():
        check_format(output_format)
        scenario = load_target(file)
        model = scenario.graph_model
        if model is None:
            raise UsageError(f"{scenario.source} has no graph_model section")
        code = _state_code(scenario, state)
        if mode not in {"statements", "ranking"}:
            raise UsageError(f"unknown mode {mode!r}; use statements or ranking")
        result = inverse_analysis(
            model,
            code,
            concept,
            party or None,
            mode=mode,
            statements=scenario if mode == "statements" else None,
            samples=samples,
            seed=seed,
        )
        if output_format == "json":
            sys.stdout.write(json.dumps(result.to_dict(), indent=1) + "\n")
            return
        out.print(result.summary(), markup=False)


@whatif_app.command("change")
def whatif_change(
    file: FileArgument,
    target: Annotated[
        str,
        typer.Option(
            help="A state code, pattern, or expression such as 'civilian_relief and yongbyon'."
        ),
    ],
    concept: Annotated[str, typer.Option(help="nash, gmr, smr or seq.")] = "seq",
    party: Annotated[
        list[str] | None,
        typer.Option(help="Party whose preferences may change (repeatable; default: all)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the changed scenario here.")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """The fewest swaps of adjacent preference statements that make the target an equilibrium."""
    from detente.whatif import changed_scenario, smallest_change

    with user_errors():
        check_format(output_format)
        scenario = load_target(file)
        change = smallest_change(scenario, target, concept, parties=party or None)
        if output_format == "json":
            sys.stdout.write(json.dumps(change.to_dict(), indent=1) + "\n")
        else:
            out.print(
                f"Smallest change (cost {change.cost:g}) making {change.target} an "
                f"equilibrium under {change.concept.upper()}:",
                markup=False,
            )
            for swap in change.swaps:
                out.print(f"- {swap.describe()}", markup=False)
            out.print(f"Then stable: {', '.join(change.states)}", markup=False)
        if output is not None:
            write_mapping(changed_scenario(scenario, change), output)


@whatif_app.command("deal")
def whatif_deal(
    file: FileArgument,
    kind: Annotated[str, typer.Option(help="reservation, weights or scores.")] = "reservation",
    party: Annotated[
        list[str] | None,
        typer.Option(help="Party whose numbers may change (repeatable; default: all)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the changed scenario here.")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """The smallest change of walk-away values, weights or scores that opens a deal."""
    from detente.whatif import bargaining_change, changed_bargaining_scenario

    with user_errors():
        check_format(output_format)
        scenario = load_target(file)
        change = bargaining_change(scenario, kind, parties=party or None)
        values = values_text(change.values)
        if output_format == "json":
            document = {
                "format": "detente/deal-change/1",
                "kind": change.kind,
                "cost": change.cost,
                "outcome": dict(change.values),
                "changes": [
                    {"party": c.party, "what": c.label, "before": c.before, "after": c.after}
                    for c in change.changes
                ],
                "method": change.method,
            }
            sys.stdout.write(json.dumps(document, indent=1) + "\n")
        else:
            out.print(
                f"Smallest change of {change.kind} (total {change.cost:.3g}) that makes "
                f"{values} acceptable to every side:",
                markup=False,
            )
            for item in change.changes:
                out.print(
                    f"- {item.party_name}: {item.label} {item.before:.3g} → {item.after:.3g}",
                    markup=False,
                )
        if output is not None:
            write_mapping(changed_bargaining_scenario(scenario, change), output)


def _state_code(scenario: Scenario, text: str) -> str:
    model = scenario.graph_model
    if model is None:
        raise UsageError(f"{scenario.source} has no graph_model section")
    return model.code(int(model.states.searchsorted(resolve_state(model, text))))


@whatif_app.command("phased")
def whatif_phased(
    file: FileArgument,
    max_stages: Annotated[
        int | None, typer.Option(help="Most stages (default: the scenario's).", min=1)
    ] = None,
    belief: Annotated[
        float | None, typer.Option(help="Each side's belief that the other keeps delivering.")
    ] = None,
    verification: Annotated[
        float | None, typer.Option(help="Chance that cheating is caught before the next stage.")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Could the scenario's phased deal survive low trust? A schedule, or the trust it needs."""
    from detente.whatif.phasing import run_phasing

    with user_errors():
        check_format(output_format)
        scenario = load_target(file)
        result = run_phasing(
            scenario, max_stages=max_stages, beliefs=belief, verification=verification
        )
        parties = list(result.inputs.parties)
        if output_format == "json":
            document = {
                "format": "detente/phased/1",
                "feasible": result.feasible,
                "least_trust": result.least_trust,
                "stages": [
                    {"stage": s.index, "delivers": dict(zip(parties, s.delivers, strict=True))}
                    for s in result.stages
                ],
                "reason": result.reason,
                "method": result.method,
            }
            sys.stdout.write(json.dumps(document, indent=1) + "\n")
            return
        for sentence in describe_phasing(result):
            out.print(sentence, markup=False)


def describe_phasing(result: PhasedResult) -> list[str]:
    """Plain sentences on a phased-agreement result."""
    from detente.whatif.phasing import phasing_sentences

    return phasing_sentences(result)
