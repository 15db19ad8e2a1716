"""Measure which Graphviz settings avoid dot's layout bugs on random valid designs.

Usage: python tools/layout_ladder.py [seeds per size]  (prints a table; fixed seeds)
Every design's overview DOT is laid out (`dot -Tdot`) as mlsd writes it, then, where that
fails, once per candidate: a graph setting appended, or a rung of mlsd's own ladder.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from random_designs import random_design  # noqa: E402

from mlsd_diagrams.catalog import icon_search_path  # noqa: E402
from mlsd_diagrams.graph import build_graph  # noqa: E402
from mlsd_diagrams.pictures import overview  # noqa: E402
from mlsd_diagrams.render.dot import to_dot  # noqa: E402
from mlsd_diagrams.render.ladder import FALLBACKS  # noqa: E402

SIZES = [(12, 20), (20, 40), (40, 80), (80, 200), (120, 300)]
SETTINGS = {
    "polyline": "splines=polyline",
    "no-newrank": "newrank=false",
    "concentrate": "concentrate=true",
    "ordering": "ordering=out",
    "line": "splines=line",
    "no-splines": "splines=false",
}


def with_settings(source: str, settings: str) -> str:
    head, _, _ = source.rstrip().rpartition("}")
    return f"{head}\t{settings}\n}}\n"


CANDIDATES: dict[str, Callable[[str], str]] = {
    **{name: partial(with_settings, settings=value) for name, value in SETTINGS.items()},
    **{f"ladder-{i}": fallback.apply for i, fallback in enumerate(FALLBACKS, 1)},
}


def layout(source: str) -> tuple[bool, str, float]:
    image_path = ":".join(str(p) for p in icon_search_path())
    started = time.perf_counter()
    done = subprocess.run(
        ["dot", f"-Gimagepath={image_path}", "-Tdot", "-o/dev/null"],
        input=source.encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    error = done.stderr.decode(errors="replace").strip().splitlines()
    errors = [line for line in error if "Error" in line or "Pshortestpath" in line]
    ok = done.returncode == 0
    return (
        ok,
        (errors[-1] if errors else f"exit {done.returncode}") if not ok else "",
        (time.perf_counter() - started),
    )


def one(args: tuple[int, int, int]) -> tuple[tuple[int, int, int], dict[str, tuple]]:
    components, flows, seed = args
    design = random_design(seed, components, flows)
    graph = build_graph(design)
    source = to_dot(graph, overview(design, graph).options)
    results = {"base": layout(source)}
    if not results["base"][0]:
        for name, settings in CANDIDATES.items():
            results[name] = layout(settings(source))
    return args, results


def main() -> None:
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    jobs = [(c, f, seed) for c, f in SIZES for seed in range(seeds)]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(one, jobs))
    for c, f in SIZES:
        rows = [r for (cc, ff, _), r in results if (cc, ff) == (c, f)]
        failed = [r for r in rows if not r["base"][0]]
        line = f"{c:>3}/{f:<3}: base fails {len(failed)}/{len(rows)}"
        for name in CANDIDATES:
            fixed = sum(1 for r in failed if r[name][0])
            line += f"; {name} draws {fixed}"
        print(line)
    for (c, f, seed), r in results:
        if not r["base"][0]:
            print(
                f"  {c}/{f} seed {seed}: {r['base'][1]}  |  "
                + ", ".join(
                    f"{name} {'ok' if r[name][0] else r[name][1][:40]}" for name in CANDIDATES
                )
            )
    slow = sorted(((r["base"][2], args) for args, r in results), reverse=True)[:3]
    print("slowest base layouts:", [(f"{s:.1f}s", a) for s, a in slow])


if __name__ == "__main__":
    main()
