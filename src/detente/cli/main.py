"""The ``detente`` command: a thin layer over the Python API.

Every command prints bad-input errors as plain messages on standard error and exits with code 2;
no traceback reaches the user for a problem in their files or arguments.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from detente.bargaining.analysis import SOLUTION_NAMES, BargainingResult
from detente.cli.common import (
    FileArgument,
    check_format,
    err,
    out,
)
from detente.cli.common import UsageError as _UsageError
from detente.cli.common import load_target as _load
from detente.cli.common import user_errors as _user_errors
from detente.cli.common import (
    values_text as _values_text,
)
from detente.cli.whatif import whatif_app
from detente.graph_model.explain import explain_state
from detente.graph_model.export import analysis_document
from detente.graph_model.hypergame import HypergameResult
from detente.graph_model.stability import StabilityResult, analyze_stability
from detente.scenario import Scenario, load_scenario_text
from detente.scenario.schema import ScenarioDocument

__all__ = ["app", "run"]

app = typer.Typer(
    name="detente",
    help="Analyse negotiations and strategic conflicts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
import_app = typer.Typer(
    help="Convert models from other tools into detente scenarios.", no_args_is_help=True
)
app.add_typer(import_app, name="import")
app.add_typer(whatif_app, name="whatif")

#: Above this many feasible states the table view shows equilibria and counts only.
LARGE_MODEL = 64


def _graph_result(scenario: Scenario, concepts: str | None) -> StabilityResult:
    if scenario.graph_model is None:
        raise _UsageError(f"{scenario.source} has no graph_model section to analyse")
    chosen = None if concepts is None else [c for c in concepts.split(",")]
    return analyze_stability(scenario.graph_model, chosen)


@app.command()
def analyze(
    file: FileArgument,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table (default) or json.")
    ] = "table",
    concepts: Annotated[
        str | None, typer.Option(help="Comma-separated concepts: nash,gmr,smr,seq (default all).")
    ] = None,
    all_states: Annotated[
        bool, typer.Option("--all-states", help="List every state even for large models.")
    ] = False,
) -> None:
    """Stability analysis: equilibria per concept and each state's verdict for each party."""
    with _user_errors():
        check_format(output_format)
        scenario = _load(file)
        result = _graph_result(scenario, concepts)
        if output_format == "json":
            sys.stdout.write(json.dumps(analysis_document(result), indent=1) + "\n")
            return
        _print_analysis(result, all_states)
        if scenario.perceptions and scenario.graph_model is not None:
            from detente.graph_model.hypergame import analyze_hypergame

            _print_hypergame(
                analyze_hypergame(scenario.graph_model, scenario.perceptions, result.concepts)
            )


def _print_analysis(result: StabilityResult, all_states: bool) -> None:
    model = result.model
    out.print(f"[bold]{model.title}[/]")
    out.print(
        f"{len(model.parties)} parties, {model.n_options} options, {model.n_states:,} feasible "
        f"states"
        + (f"; status quo {model.code(model.status_quo)}" if model.status_quo is not None else "")
    )
    summary = Table(title="Equilibria", title_justify="left")
    summary.add_column("concept")
    summary.add_column("count", justify="right")
    summary.add_column("states")
    for concept in result.concepts:
        codes = result.equilibria(concept)
        shown = ", ".join(codes[:20]) + (f", … ({len(codes) - 20} more)" if len(codes) > 20 else "")
        summary.add_row(concept.upper(), str(len(codes)), shown or "none")
    out.print(summary)
    if model.n_states > LARGE_MODEL and not all_states:
        out.print(
            f"({model.n_states:,} states: per-state table omitted; use --all-states or "
            "--format json)"
        )
        return
    table = Table(title="Stability by state (S = stable for that party)", title_justify="left")
    table.add_column("state")
    for party in model.parties:
        table.add_column(f"{party.id}\nlevel", justify="right")
    for concept in result.concepts:
        table.add_column(concept.upper(), justify="center")
    table.add_column("equilibrium", no_wrap=True)
    for index in range(model.n_states):
        row = [model.code(index)]
        row += [str(int(model.payoff[i][index])) for i in range(len(model.parties))]
        for concept in result.concepts:
            marks = result.stable[concept][:, index]
            row.append("".join("S" if ok else "." for ok in marks))
        row.append(
            ",".join(c.upper() for c in result.concepts if result.equilibrium_mask(c)[index])
        )
        table.add_row(*row)
    out.print(table)
    out.print(
        "Each concept column has one letter per party, in order: "
        + ", ".join(f"{p.id} ({p.name})" for p in model.parties)
    )


def _print_hypergame(result: HypergameResult) -> None:
    model = result.real.model
    table = Table(title="Misperception: the equilibria each party expected", title_justify="left")
    table.add_column("concept")
    table.add_column("real game")
    for party in model.parties:
        table.add_column(f"as {party.id} sees it")
    table.add_column("hypergame")
    for concept in result.concepts:
        row = [concept.upper(), ", ".join(result.real.equilibria(concept)) or "none"]
        row += [", ".join(result.expected(p.id, concept)) or "none" for p in model.parties]
        row.append(", ".join(result.equilibria(concept)) or "none")
        table.add_row(*row)
    out.print(table)


@app.command()
def bargain(
    file: FileArgument,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table (default) or json.")
    ] = "table",
    plot: Annotated[
        Path | None,
        typer.Option(help="Draw the outcomes, frontier and solutions (.svg, .png or .pdf)."),
    ] = None,
) -> None:
    """Bargaining analysis: Pareto frontier, zone of agreement, solutions, Rubinstein split."""
    from detente.bargaining import solve_bargaining
    from detente.bargaining.export import bargaining_document

    with _user_errors():
        check_format(output_format)
        scenario = _load(file)
        if scenario.bargaining is None:
            raise _UsageError(f"{scenario.source} has no bargaining section to analyse")
        result = solve_bargaining(scenario.bargaining)
        if plot is not None:
            from detente.plots.bargaining import save_bargaining_plot

            save_bargaining_plot(result, plot)
        if output_format == "json":
            sys.stdout.write(json.dumps(bargaining_document(result), indent=1) + "\n")
            return
        _print_bargaining(result)
        if plot is not None:
            out.print(f"plot written to {plot}", markup=False)


def _print_bargaining(result: BargainingResult) -> None:
    problem = result.problem
    names = [p.name for p in problem.parties]
    out.print(f"[bold]{problem.title}[/]")
    out.print(
        f"{len(problem.parties)} parties, {len(problem.issues)} issues, "
        f"{problem.n_outcomes:,} outcomes; Pareto frontier: {len(result.frontier):,} outcomes"
    )
    walk = ", ".join(f"{n} {r:.3g}" for n, r in zip(names, problem.reservation, strict=True))
    out.print(f"Walk-away (reservation) values: {walk}", markup=False)
    if result.gap is not None:
        values = problem.outcome(result.gap.outcome)
        cuts = ", ".join(
            f"{n} by {c:.3g}" for n, c in zip(names, result.gap.concessions, strict=True) if c > 0
        )
        out.print(
            f"[bold red]No zone of possible agreement[/]: no outcome is at least as good as "
            f"walking away for every party. The smallest total concession that would open one "
            f"is {result.gap.total:.3g} ({cuts}), at {_values_text(values)}."
        )
    else:
        plural = "outcome" if result.zone_size == 1 else "outcomes"
        out.print(f"[bold green]Zone of possible agreement[/]: {result.zone_size:,} {plural}.")
        table = Table(title="Solutions", title_justify="left")
        table.add_column("solution")
        table.add_column("outcome", no_wrap=True)
        for name in names:
            table.add_column(name, justify="right")
        for name, solution in result.solutions.items():
            row = [SOLUTION_NAMES[name].split(" (")[0], _values_text(solution.values, "\n")]
            row += [f"{u:.3f}" for u in solution.utilities]
            table.add_row(*row)
        out.print(table)
    if result.rubinstein is not None:
        split = result.rubinstein
        horizon = f"{split.horizon} rounds" if split.horizon else "no deadline"
        shares = ", ".join(f"{n} {x:.3f}" for n, x in zip(names, split.shares, strict=True))
        out.print(
            f"Rubinstein split of a unit surplus ({horizon}, {names[split.first_proposer]} "
            f"proposes first): {shares}"
            + (
                " (no deal beats walking away here: read it as relative bargaining strength)"
                if result.zone_empty
                else ""
            ),
            markup=False,
        )
    powers = ", ".join(f"{n} {w:.2f}" for n, w in zip(names, result.powers, strict=True))
    out.print(f"Bargaining power from patience: {powers}", markup=False)


def _executor(
    dask_executor: Callable[[str], Executor], scheduler: str | None, workers: int
) -> Executor | None:
    """A Dask executor for a scheduler address, local processes, or ``None`` (in process)."""
    if scheduler is not None:
        try:
            return dask_executor(scheduler)
        except OSError as error:
            raise _UsageError(
                f"cannot reach the Dask scheduler at {scheduler}: {error}; "
                "check the address and that the scheduler is running"
            ) from None
    if workers > 1:
        return ProcessPoolExecutor(max_workers=workers)
    return None


def _shutdown(executor: Executor | None) -> None:
    if executor is None:
        return
    executor.shutdown()
    client = getattr(executor, "_client", None)  # a Dask executor: close its connection too
    if client is not None:
        client.close()


@app.command()
def simulate(
    file: FileArgument,
    a: Annotated[
        str, typer.Option("--a", help="First party's strategy, e.g. boulware or boulware:e=0.1.")
    ] = "boulware",
    b: Annotated[str, typer.Option("--b", help="Second party's strategy.")] = "conceder",
    deadline: Annotated[
        int | None, typer.Option(help="Rounds (default: the scenario's).", min=1)
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for strategies that draw.")] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table (default) or json.")
    ] = "table",
    plot: Annotated[Path | None, typer.Option(help="Draw the offers (.svg, .png or .pdf).")] = None,
) -> None:
    """Simulate one alternating-offers negotiation between two strategies."""
    from detente.bargaining import solve_bargaining
    from detente.simulation import describe
    from detente.simulation import simulate as run_negotiation
    from detente.simulation.export import simulation_document
    from detente.simulation.strategies.registry import strategy_from_spec

    with _user_errors():
        check_format(output_format)
        scenario = _load(file)
        problem = scenario.bargaining
        if problem is None:
            raise _UsageError(f"{scenario.source} has no bargaining section to negotiate over")
        if len(problem.parties) != 2:
            raise _UsageError(
                "--a and --b play a two-party negotiation; this scenario has "
                f"{len(problem.parties)} bargaining parties"
            )
        if deadline is None and problem.deadline is None:
            raise _UsageError("the scenario has no deadline: give --deadline ROUNDS")
        strategies = [strategy_from_spec(spec) for spec in (a, b)]
        trace = run_negotiation(problem, strategies, seed=seed, deadline=deadline)
        if plot is not None:
            from detente.plots.simulation import save_negotiation_plot

            save_negotiation_plot(solve_bargaining(problem), trace, plot)
        if output_format == "json":
            document = simulation_document(problem, trace)
            sys.stdout.write(json.dumps(document, indent=1) + "\n")
            return
        out.print(
            f"[bold]{problem.title}[/]: {trace.strategies[0]} ({trace.parties[0]}) "
            f"against {trace.strategies[1]} ({trace.parties[1]}), deadline "
            f"{trace.deadline} rounds, seed {trace.seed}"
        )
        for line in describe(trace):
            out.print(line, markup=False)
        if trace.agreement is not None:
            out.print("agreed: " + _values_text(problem.outcome(trace.agreement)), markup=False)
        if plot is not None:
            out.print(f"plot written to {plot}", markup=False)


@app.command()
def robustness(
    file: FileArgument,
    uncertainty: Annotated[
        Path | None,
        typer.Option(
            help="YAML/JSON file stating what is uncertain (default: the scenario's "
            "own `uncertainty` section)."
        ),
    ] = None,
    samples: Annotated[int, typer.Option(help="Scenarios to sample.", min=1)] = 1000,
    seed: Annotated[
        int | None,
        typer.Option(help="Seed: the same seed gives the same numbers however the work is split."),
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Local worker processes (1: in process).", min=1)
    ] = 1,
    scheduler: Annotated[
        str | None, typer.Option(help="Address of a Dask scheduler (needs detente\\[dask]).")
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table (default) or json.")
    ] = "table",
) -> None:
    """How robust the conclusions are when preferences are uncertain: probabilities of each
    equilibrium and of a zone of agreement, with confidence intervals."""
    from rich.progress import Progress

    from detente.whatif.robustness import dask_executor
    from detente.whatif.robustness import robustness as estimate
    from detente.whatif.uncertainty import load_uncertainty

    with _user_errors():
        check_format(output_format)
        scenario = _load(file)
        if uncertainty is not None:
            spec = load_uncertainty(uncertainty, scenario)
        elif scenario.uncertainty is not None:
            spec = scenario.uncertainty
        else:
            raise _UsageError(
                f"{scenario.source} states no uncertainty: give --uncertainty "
                "FILE or add an `uncertainty:` section"
            )
        executor = _executor(dask_executor, scheduler, workers)
        try:
            with Progress(console=err, transient=True) as bar:
                task = bar.add_task("sampling", total=samples)
                result = estimate(
                    scenario,
                    spec,
                    samples=samples,
                    seed=seed,
                    executor=executor,
                    progress=lambda done, total: bar.update(task, completed=done),
                )
        finally:
            _shutdown(executor)
        if output_format == "json":
            sys.stdout.write(json.dumps(result.to_dict(), indent=1) + "\n")
            return
        _print_robustness(result)


def _print_robustness(result: Any) -> None:
    out.print(
        f"{result.samples:,} samples, seed {result.seed}; "
        f"{round(result.confidence * 100)}% intervals",
        markup=False,
    )
    if result.graph_model is not None:
        for concept in result.concepts:
            table = Table(
                title=f"Probability of being a {concept.upper()} equilibrium", title_justify="left"
            )
            table.add_column("state")
            table.add_column("probability", justify="right")
            table.add_column("interval", justify="right")
            for code, share in result.graph_model.ranked(concept)[:10]:
                if share.count == 0:
                    break
                low, high = share.interval
                table.add_row(code, f"{share.estimate:.3f}", f"{low:.3f}–{high:.3f}")
            out.print(table)
    if result.bargaining is not None:
        share = result.bargaining.zone_open
        low, high = share.interval
        out.print(
            f"Zone of agreement open in {share.estimate:.1%} of samples ({low:.1%}–{high:.1%})",
            markup=False,
        )


@app.command()
def tournament(
    config: Annotated[Path, typer.Argument(help="Tournament file (format detente/tournament/1).")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Folder for one row per negotiation (Parquet, or CSV without "
            "pyarrow) and the summary.",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Local worker processes (1: in process).", min=1)
    ] = 1,
    scheduler: Annotated[
        str | None, typer.Option(help="Address of a Dask scheduler (needs detente\\[dask]).")
    ] = None,
    resume: Annotated[
        bool, typer.Option(help="Keep the rows already in --output and play only the rest.")
    ] = False,
) -> None:
    """Play every strategy against every other on every scenario, and summarise."""
    from rich.progress import Progress

    from detente.simulation.tournament import (
        batch_engine,
        dask_executor,
        plan_negotiations,
        run_tournament,
    )
    from detente.simulation.tournament_config import load_tournament_config, resolve_tournament

    with _user_errors():
        setup = resolve_tournament(load_tournament_config(config))
        executor = _executor(dask_executor, scheduler, workers)
        try:
            with Progress(console=err, transient=True) as bar:
                task = bar.add_task("negotiations", total=len(plan_negotiations(setup)))
                result = run_tournament(
                    setup,
                    executor=executor,
                    output=output,
                    resume=resume,
                    engine=batch_engine,  # vectorised; the plain engine for anything else
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
        finally:
            _shutdown(executor)
        table = Table(title=f"{len(result.rows):,} negotiations", title_justify="left")
        for column in ("strategy", "n", "utility", "agreement rate", "rounds"):
            table.add_column(column, justify="left" if column == "strategy" else "right")
        for entry in result.summary:
            row = entry.as_row()
            cells = [str(row["strategy"]), str(row["n"])]
            for name in ("utility", "agreement", "rounds"):
                cells.append(
                    f"{row[name + '_mean']:.3f} [{row[name + '_low']:.3f}, "
                    f"{row[name + '_high']:.3f}]"
                )
            table.add_row(*cells)
        out.print(table)
        out.print("Means with 95% confidence intervals.", markup=False)
        if result.results_path is not None:
            out.print(f"rows written to {result.results_path}", markup=False)


@app.command()
def explain(
    file: FileArgument,
    state: Annotated[str, typer.Option(help="State code, e.g. NYN.")],
    party: Annotated[str, typer.Option(help="Party id.")],
) -> None:
    """Why a state is or is not stable for a party, in plain words."""
    with _user_errors():
        result = _graph_result(_load(file), None)
        explanation = explain_state(result, state.strip().upper(), party)
        out.print(str(explanation), markup=False)


@app.command()
def report(
    file: FileArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="report.html or report.md")],
) -> None:
    """Write a report (HTML or Markdown, self-contained) with the whole analysis explained."""
    from detente.report import collect, write_report

    with _user_errors():
        scenario = _load(file)
        data = collect(scenario)
        target = write_report(scenario, output, data=data)
        out.print(data.narrative.headline, markup=False)
        out.print(f"report written to {target}", markup=False)


@app.command()
def validate(file: FileArgument) -> None:
    """Check a scenario and report every problem found."""
    with _user_errors():
        scenario = _load(file)
        model = scenario.graph_model
        detail = (
            f": {len(model.parties)} parties, {model.n_options} options, "
            f"{model.n_states:,} feasible states"
            if model is not None
            else ""
        )
        out.print(f"{scenario.source} is a valid scenario{detail}", markup=False)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (detente/1)."""
    document = ScenarioDocument.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "detente/1 scenario"
    sys.stdout.write(json.dumps(document, indent=2) + "\n")


@app.command()
def serve(
    port: Annotated[
        int, typer.Option(help="Port to listen on (0: any free port).", min=0, max=65535)
    ] = 8765,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    database: Annotated[
        str | None,
        typer.Option(help="SQLAlchemy URL of the workspace database (default: an SQLite file)."),
    ] = None,
    workspace: Annotated[Path, typer.Option(help="Folder of the default SQLite workspace.")] = Path(
        "detente-workspace"
    ),
    workers: Annotated[int, typer.Option(help="Runs executed at once.", min=1, max=64)] = 2,
) -> None:
    """Start the workbench, a local web app to model, analyse and share negotiations."""
    from detente.workbench.server import default_database, require_web
    from detente.workbench.server import serve as start

    with _user_errors():
        require_web()
        url = database if database is not None else default_database(workspace)
        start(host, port, url, workers)


@app.command()
def catalogue() -> None:
    """List the published conflicts shipped with detente."""
    from detente.catalogue import catalogue_ids, load_catalogue

    with _user_errors():
        table = Table(title="Catalogue", title_justify="left")
        table.add_column("id")
        table.add_column("title")
        table.add_column("states", justify="right")
        for entry in catalogue_ids():
            scenario = load_catalogue(entry)
            states = scenario.graph_model.n_states if scenario.graph_model else 0
            table.add_row(entry, scenario.title, str(states))
        out.print(table)


@import_app.command("gmcr")
def import_gmcr_command(
    file: Annotated[Path, typer.Argument(help="A GMCR+ save file (.gmcr).")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Scenario file to write (default: standard output)."),
    ] = None,
) -> None:
    """Convert a GMCR+ (gmcr-py) .gmcr file into a detente scenario."""
    from detente.interop.gmcr import gmcr_to_scenario, read_gmcr, scenario_yaml

    with _user_errors():
        scenario = gmcr_to_scenario(read_gmcr(file), file_name=file.name)
        _emit_scenario(scenario_yaml(scenario), output, str(file))


@import_app.command("genius")
def import_genius_command(
    domain: Annotated[Path, typer.Argument(help="The Genius domain file (XML).")],
    profiles: Annotated[list[Path], typer.Argument(help="Two or more profile files (XML).")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Scenario file to write (default: standard output)."),
    ] = None,
    real_steps: Annotated[
        int, typer.Option(help="Values to cut each real-valued issue into.", min=2)
    ] = 11,
    deadline: Annotated[
        int | None,
        typer.Option(
            help="Rounds the negotiation lasts: turns Genius's whole-negotiation "
            "discount into a per-round factor.",
            min=1,
        ),
    ] = None,
) -> None:
    """Convert a Genius/ANAC negotiation domain and its profiles into a detente scenario."""
    from detente.interop.genius import read_genius
    from detente.interop.gmcr import scenario_yaml

    with _user_errors():
        scenario = read_genius(domain, profiles, real_steps=real_steps, deadline=deadline)
        _emit_scenario(scenario_yaml(scenario), output, str(domain))


def _emit_scenario(text: str, output: Path | None, origin: str) -> None:
    """Check a converted scenario loads, then write it to ``output`` (or standard output)."""
    scenario = load_scenario_text(text, source=f"{origin} (converted)")
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise _UsageError(f"cannot write {output}: {error.strerror}") from None
    size = []
    if scenario.graph_model is not None:
        size.append(f"{scenario.graph_model.n_states:,} feasible states")
    if scenario.bargaining is not None:
        size.append(f"{scenario.bargaining.n_outcomes:,} outcomes")
    out.print(f"wrote {output} ({', '.join(size)})", markup=False)


def _guarded(main: Callable[[], Any]) -> None:
    try:
        main()
    except KeyboardInterrupt:
        err.print("interrupted")
        raise SystemExit(130) from None


def run() -> None:
    """Console entry point."""
    _guarded(app)
