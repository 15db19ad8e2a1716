"""The `mlsd` command line: click only.

Stages are imported inside each command so `mlsd --help` stays fast. This module is the one
place where library errors become messages and exit codes: 0 success, 1 a render failed,
2 a spec or the command line is wrong.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .errors import MlsdError, UsageError, path_problem, printable, shown
from .formats import DEFAULT_FORMATS, FORMATS, help_text
from .themes import THEME_NAMES

if TYPE_CHECKING:
    from .portfolio import Summary
    from .review import Review
    from .staging import Rendered

T = TypeVar("T")
Command = TypeVar("Command", bound=Callable[..., Any])
# readable=False: an unreadable spec is reported by the loader, located (file:1:1)
FILES = click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False)
)


def output_option(help_text: str) -> Callable[[Command], Command]:
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path("output"),
        show_default=True,
        help=help_text,
    )


WATCH = click.option(
    "--watch", is_flag=True, help="Keep running: redo it whenever a spec or template is saved."
)
OUTPUT_FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Findings for people (text) or tools (json).",
)
THEME = click.option(
    "--theme",
    type=click.Choice(THEME_NAMES),
    help="Draw with this theme instead of the one the spec asks for (default light).",
)
TEMPLATES = click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Folder of your own templates; each file there overrides ours of the same name.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="mlsd")
def cli() -> None:
    """Diagram-as-code for machine-learning system design answers.

    Write one YAML spec per system (requirements, framing, data, model, evaluation,
    serving, monitoring, components and flows); get whiteboard-ready diagrams.

    Example: mlsd render designs/*.yaml -o output/
    """
    _show_warnings()


@cli.command()
@FILES
def validate(files: tuple[Path, ...]) -> None:
    """Check design specs; list every problem as file:line:col: key: message.

    Example: mlsd validate designs/*.yaml
    """
    from .validate import check_design

    results = [_attempt(check_design, path) for path in files]
    for path, result in zip(files, results, strict=True):
        if not isinstance(result, MlsdError):
            click.echo(f"{path}: ok")
            for warning in result[1]:
                click.secho(str(warning), fg="yellow", err=True)
    _exit(results)


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    unknown = [fmt for fmt in chosen if fmt not in FORMATS]
    if unknown or not chosen:
        from .catalog import suggest

        named = ", ".join(f"'{shown(fmt)}'{suggest(fmt, list(FORMATS))}" for fmt in unknown)
        said = f"unknown format {named}; " if unknown else ""
        raise click.BadParameter(f"{said}choose among {', '.join(FORMATS)} (comma-separated)")
    return chosen


@cli.command()
@FILES
@output_option("Folder to write into; each design gets output/<design-id>/.")
@click.option(
    "-f",
    "--format",
    "formats",
    default=",".join(DEFAULT_FORMATS),
    show_default=True,
    help=help_text(),
)
@THEME
@TEMPLATES
@WATCH
def render(
    files: tuple[Path, ...],
    output: Path,
    formats: str,
    theme: str | None,
    templates: Path | None,
    watch: bool,
) -> None:
    """Render design specs: diagrams (PNG, SVG, PDF, DOT), views, build-up GIF, Excalidraw
    scene, write-up (Markdown) and diagram code.

    One Graphviz layout serves every image format. A spec with problems is reported and
    nothing is written for it; the other specs are still rendered.

    Example: mlsd render designs/video-recommendation.yaml -o output/ -f png,svg,md --theme dark
    """
    from .compiled import render_file  # an unchanged spec's images: without the model

    chosen = _formats(formats)

    def job() -> list[Rendered | MlsdError]:
        results = [_attempt(render_file, path, output, chosen, templates, theme) for path in files]
        for rendered in results:
            if not isinstance(rendered, MlsdError):
                folder = output / rendered.design_id
                names = ", ".join(_relative(path, folder) for path in rendered.files)
                click.echo(f"{rendered.design_id}: wrote {names} in {folder}")
        return results

    if watch:
        _watch([*files, *_template_dirs(templates)], job, output)
    else:
        _exit(job())


@cli.command()
@click.argument(
    "designs_dir",
    required=False,
    default=Path("designs"),
    type=click.Path(path_type=Path, file_okay=False),
)
@output_option("Folder to build the portfolio into.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Parallel renders [default: cores].")
@click.option(
    "--no-book", is_flag=True, help="Leave out the PDF book (output/portfolio.pdf), the slow part."
)
@THEME
@TEMPLATES
@WATCH
def build(
    designs_dir: Path,
    output: Path,
    jobs: int | None,
    no_book: bool,
    theme: str | None,
    templates: Path | None,
    watch: bool,
) -> None:
    """Build every design of a folder into a portfolio: diagrams, write-ups and a static site.

    Unchanged designs (same spec, templates and tool) are not rendered again; designs whose
    spec disappeared are removed. Writes output/index.html (gallery with tag filter and
    search), output/README.md, output/portfolio.pdf (the book; not with --watch or
    --no-book) and output/<design-id>/ per design.

    Example: mlsd build designs/ -o output/
    """
    from .portfolio import build_portfolio

    # the PDF book takes seconds per design to typeset: not on every save of --watch
    builder = functools.partial(build_portfolio, book=not (watch or no_book))

    def job() -> int:
        result = _attempt(
            _build_with_progress, builder, designs_dir, output, jobs, templates, theme
        )
        if isinstance(result, MlsdError):
            return result.exit_code
        for outcome in result.failed:
            click.secho(outcome.message, fg="red", err=True)
        click.echo(result.line())
        click.echo(f"Open {output / 'index.html'}")
        return 1 if result.failed else 0

    if watch:
        _watch([designs_dir, *_template_dirs(templates)], job, output)
    elif code := job():
        sys.exit(code)


def _build_with_progress(
    build_portfolio: Callable[..., Summary],
    designs_dir: Path,
    output: Path,
    jobs: int | None,
    templates: Path | None,
    theme: str | None,
) -> Summary:
    from .load import spec_files

    count = len(spec_files(designs_dir)) if designs_dir.is_dir() else 0
    if not _interactive() or count == 0:
        return build_portfolio(designs_dir, output, templates, jobs, theme=theme)
    with click.progressbar(length=count, label="Rendering", file=sys.stderr) as bar:
        return build_portfolio(
            designs_dir, output, templates, jobs, lambda _: bar.update(1), theme=theme
        )


def _interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


@cli.command()
@click.argument(
    "designs_dir",
    required=False,
    default=Path("designs"),
    type=click.Path(path_type=Path, file_okay=False),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to build into [default: a temporary folder, removed when the server stops].",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on: this machine only, unless --allow-remote.",
)
@click.option(
    "-p",
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Let --host be an interface other machines reach (the preview has no authentication).",
)
@click.option("--no-open", is_flag=True, help="Do not open the browser.")
@THEME
@TEMPLATES
def serve(
    designs_dir: Path,
    output: Path | None,
    host: str,
    port: int,
    allow_remote: bool,
    no_open: bool,
    theme: str | None,
    templates: Path | None,
) -> None:
    """Preview the portfolio in the browser: rebuilt on every save, the page reloads itself.

    Builds the folder like `mlsd build` (without the PDF book), serves it on 127.0.0.1 and
    opens the browser. Every save of a spec, a template or mlsd.toml re-renders what changed;
    a spec with errors shows them in its page until it is fixed. Ctrl-C stops.

    Example: mlsd serve designs/ --port 8000
    """
    import tempfile
    import threading
    import webbrowser
    from contextlib import nullcontext

    from .serve import Hooks, LiveSite, listen, url_of
    from .serve import serve as run

    sock = _attempt(listen, host, port, allow_remote)
    if isinstance(sock, MlsdError):
        sys.exit(sock.exit_code)
    scratch: tempfile.TemporaryDirectory[str] | None = None
    if output is None:  # a scratch folder stands in for a missing --output
        scratch = tempfile.TemporaryDirectory(prefix="mlsd-serve-")
        output = Path(scratch.name)
    with sock, scratch or nullcontext():
        site = LiveSite(designs_dir, output, templates, theme)
        summary = _attempt(site.build, None)  # the first build renders in parallel
        if isinstance(summary, MlsdError):
            sys.exit(summary.exit_code)
        url = url_of(sock)

        def built(summary: Summary) -> None:
            for outcome in summary.failed:
                click.secho(outcome.message, fg="red", err=True)
            click.echo(summary.line() if summary.outcomes else "build failed", err=True)

        def started() -> None:
            click.echo(f"serving {url} (Ctrl-C to stop)")
            if not no_open:
                threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

        def changed(paths: list[Path]) -> None:
            click.secho(f"changed: {', '.join(p.name for p in paths)}", fg="cyan", err=True)

        built(summary)
        run(site, sock, Hooks(started, changed, built))
    click.secho("stopped serving", fg="cyan", err=True)


@cli.command()
@click.argument("design_id", metavar="ID")
@click.option(
    "--from",
    "case",
    metavar="CASE",
    help="Start from a case of the library (e.g. video-recommendation) instead of a skeleton.",
)
@click.option(
    "-d",
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("designs"),
    show_default=True,
    help="Folder to write ID.yaml into (with mlsd.schema.json for editor completion).",
)
def new(design_id: str, case: str | None, folder: Path) -> None:
    """Start a new design spec: a commented skeleton of the 7 steps, or a copy of a case.

    Never overwrites a file. The spec validates as written; fill it in, then run
    `mlsd review` and `mlsd render --watch`.

    Example: mlsd new fraud-detection --from ad-click-prediction
    """
    from .scaffold import new_spec

    result = _attempt(new_spec, design_id, folder, case)
    if isinstance(result, MlsdError):
        sys.exit(result.exit_code)
    click.echo(f"wrote {result}; next: mlsd review {result}")


@cli.command()
@FILES
@OUTPUT_FORMAT
@click.option(
    "--min-score",
    type=click.IntRange(0, 100),
    help="Exit with status 1 if any design scores below this (for CI).",
)
def review(files: tuple[Path, ...], output_format: str, min_score: int | None) -> None:
    """Score designs against the signals interviewers look for, with a hint per finding.

    Each finding names its rule (code and name), its severity and the line of the spec
    to change. A failing rule costs 15 (warning), 20 (error) or 40 (critical) points;
    any critical finding caps the score at 60. Rules a design disables under
    `review.disable` are listed with their reason. --format json prints the findings
    document `mlsd check` prints too (see the README).

    Example: mlsd review designs/*.yaml --min-score 80
    """
    from .findings import document
    from .review import review_file

    results = [_attempt(review_file, path) for path in files]
    reviews = [r for r in results if not isinstance(r, MlsdError)]
    if output_format == "json":
        data = document("review", [r.to_dict() for r in reviews])
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for item in reviews:
            _print_review(item)
    _exit(results)
    if min_score is not None and any(r.score < min_score for r in reviews):
        sys.exit(1)


def _print_review(item: Review) -> None:
    colour = "green" if item.score >= 90 else "yellow" if item.score >= 70 else "red"
    click.secho(f"{item.file}: {item.score}/100 ({item.design_id})", fg=colour, bold=True)
    click.echo("  " + "  ".join(f"{step} {score}" for step, score in item.scores.items()))
    for finding in item.findings:
        click.echo(f"  {finding}")
    for warning in item.config:
        click.secho(f"  {warning}", fg="yellow")
    for off in item.disabled:
        click.echo(f"  {off}")


@cli.command("export-code")
@FILES
@output_option("Folder to write into; the script lands in output/<design-id>/<design-id>.py.")
@TEMPLATES
def export_code(files: tuple[Path, ...], output: Path, templates: Path | None) -> None:
    """Export each design's diagram as a standalone Python script using `diagrams`.

    The script draws the same picture when run with plain `python`; keep it, edit it.
    Bundled icons it needs are copied beside it, in icons/.

    Example: mlsd export-code designs/video-recommendation.yaml -o output/
    """
    from .build import render_file

    results = [_attempt(render_file, path, output, ("py",), templates) for path in files]
    for rendered in results:
        if not isinstance(rendered, MlsdError):
            click.echo(f"{rendered.design_id}: wrote {rendered.files[0]}")
    _exit(results)


@cli.command()
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to a file."
)
def schema(output: Path | None) -> None:
    """Print the JSON Schema of a design spec, for editor completion.

    Example: mlsd schema -o mlsd.schema.json, then start a spec with
    `# yaml-language-server: $schema=mlsd.schema.json`
    """
    from .model import schema_text

    text = schema_text()
    if output is None:
        click.echo(text, nl=False)
    else:
        _exit([_attempt(output.write_text, text, "utf-8")])


@cli.command()
def kinds() -> None:
    """List the component kinds of the catalog and the icon each one draws.

    Example: mlsd kinds
    """
    from .catalog import KINDS

    width = max(len(kind.name) for kind in KINDS)
    for kind in KINDS:
        click.echo(f"{kind.name:<{width}}  {kind.title} - {kind.description} [{kind.icon}]")


@cli.command()
def tradeoffs() -> None:
    """List the trade-off library a spec can reference under `tradeoffs:`.

    Example: mlsd tradeoffs
    """
    from .tradeoffs import TRADEOFFS

    width = max(len(name) for name in TRADEOFFS)
    for name, tradeoff in TRADEOFFS.items():
        options = " / ".join(option.name for option in tradeoff.options)
        click.echo(f"{name:<{width}}  {tradeoff.title}: {options}")


@cli.command()
@FILES
@THEME
@click.option("--strict", is_flag=True, help="Fail (exit code 1) when any picture has a warning.")
@OUTPUT_FORMAT
@click.option("--max-nodes", type=click.IntRange(min=1), help="Components per picture [25].")
@click.option(
    "--max-crossings", type=click.IntRange(min=0), help="Edge crossings in an overview [8]."
)
@click.option(
    "--max-aspect", type=click.FloatRange(min=1), help="Overview long side / short side [2.2]."
)
@click.option("--min-label-px", type=click.FloatRange(min=0), help="Smallest label, px [12].")
def check(
    files: tuple[Path, ...],
    theme: str | None,
    strict: bool,
    output_format: str,
    max_nodes: int | None,
    max_crossings: int | None,
    max_aspect: float | None,
    min_label_px: float | None,
) -> None:
    """Measure how readable each picture is, from the Graphviz layout.

    For the overview and every view of each design: components, flows, edge crossings,
    aspect ratio, and the smallest label in pixels once the picture is fitted to a
    1920x1080 screen. Past a threshold it warns and says what to change (often: split into
    views), at the line of the spec it is about; with --strict a missed goal is an error
    and fails the check. A design may disable a figure under `review.disable`, with a
    reason the report prints. --format json prints the findings document `mlsd review`
    prints too (see the README).

    Example: mlsd check designs/*.yaml --strict
    """
    from .check import DesignCheck, Thresholds, as_json, check_document, format_report
    from .findings import Disabled, Finding
    from .load import load_file
    from .render.graphviz import time_budget, timeout_seconds
    from .validate import validate

    unset = Thresholds()
    limits = Thresholds(
        max_nodes=_given(max_nodes, unset.max_nodes),
        max_crossings=_given(max_crossings, unset.max_crossings),
        max_aspect_ratio=_given(max_aspect, unset.max_aspect_ratio),
        min_label_px=_given(min_label_px, unset.min_label_px),
    )

    def measured(path: Path) -> DesignCheck:
        doc = load_file(path)
        return check_document(doc, validate(doc), theme, limits, strict)

    budget = _attempt(timeout_seconds)  # MLSD_DOT_TIMEOUT, read once
    if isinstance(budget, MlsdError):
        sys.exit(budget.exit_code)
    with time_budget(budget):
        results = [_attempt(measured, path) for path in files]
    designs = [result for result in results if not isinstance(result, MlsdError)]
    checks = [c for design in designs for c in design.pictures]
    notes: list[Finding | Disabled] = [n for design in designs for n in design.config]
    notes += [off for design in designs for off in design.disabled]
    if output_format == "json":
        click.echo(as_json(designs, limits))
    elif checks:
        click.echo(format_report(checks, limits, notes))
    warned = [c for c in checks if not c.passed]
    if warned and output_format == "text":
        verdict = ("fail" if strict else "warn") + ("s" if len(warned) == 1 else "")
        click.secho(f"{len(warned)} of {len(checks)} pictures {verdict}", fg="yellow", err=True)
    if any(isinstance(result, MlsdError) for result in results):
        _exit(results)
    if strict and warned:
        sys.exit(1)


def _given(value: T | None, default: T) -> T:
    """An option's value, or the default when it was not given."""
    return default if value is None else value


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path.name


def _template_dirs(templates: Path | None) -> list[Path]:
    from .resources import TEMPLATES_DIR

    return [TEMPLATES_DIR] + ([templates] if templates else [])


def _watch(targets: list[Path], job: Callable[[], object], output: Path) -> None:
    from .watch import watch
    from .write import clean_own

    def announce(paths: list[Path]) -> None:
        click.secho(f"changed: {', '.join(p.name for p in paths)}", fg="cyan", err=True)

    click.secho("watching for changes; Ctrl-C to stop", fg="cyan", err=True)
    watch(targets, job, announce)
    clean_own(output)  # Ctrl-C may have cut a render's clean-up short
    click.secho("stopped watching", fg="cyan", err=True)


# --- the error boundary ---


class _Warnings(logging.Handler):
    """The library's warnings (a layout fallback was used...), one yellow line each."""

    def emit(self, record: logging.LogRecord) -> None:
        click.secho(printable(record.getMessage()), fg="yellow", err=True)


def _show_warnings() -> None:
    logger = logging.getLogger("mlsd_diagrams")
    if not any(isinstance(handler, _Warnings) for handler in logger.handlers):
        logger.addHandler(_Warnings())
        logger.propagate = False


def _attempt(action: Callable[..., T], *args: object) -> T | MlsdError:
    """Run one unit of work; report a library error on stderr and return it."""
    try:
        return action(*args)
    except MlsdError as exc:
        click.secho(str(exc), fg="red", err=True)
        return exc
    except OSError as exc:  # a path given on the command line: a file, read-only, full disk
        error = UsageError(path_problem(exc))
        click.secho(str(error), fg="red", err=True)
        return error


def _exit(results: Iterable[object]) -> None:
    codes = [result.exit_code for result in results if isinstance(result, MlsdError)]
    if codes:
        sys.exit(max(codes))


def main() -> None:
    cli(prog_name="mlsd")
