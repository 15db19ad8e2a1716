"""Fuzz: thousands of mutated specs (seeded, so every failure replays) through validate and
every output. Each ends in its outputs or in errors located at file:line:col, never in a
traceback: Markdown, DOT (overview, views, build-up), Python, Mermaid, the review, the site
pages, and for a sample the SVG from the real `dot`."""

from __future__ import annotations

import random
import re
import traceback
from pathlib import Path

import yaml
from conftest import DESIGNS, MINIMAL

from mlsd_diagrams import catalog
from mlsd_diagrams.errors import SpecError
from mlsd_diagrams.graph import build_graph
from mlsd_diagrams.load import load_text
from mlsd_diagrams.model import Design
from mlsd_diagrams.pictures import build_up, overview, view_pictures
from mlsd_diagrams.render import site
from mlsd_diagrams.render.dot import to_dot
from mlsd_diagrams.render.graphviz import run_dot
from mlsd_diagrams.render.mermaid import to_mermaid
from mlsd_diagrams.render.pycode import to_python
from mlsd_diagrams.render.writeup import to_markdown
from mlsd_diagrams.review import review
from mlsd_diagrams.validate import validate

SPECS = 2000
SVG_EVERY = 40  # one valid design in this many is drawn by the real `dot`
LOCATED = re.compile(r"^fuzz-\d+\.yaml:\d+:\d+: \S")
FRAGMENTS = [
    "", " ", "\\N", "\\", "<b>x</b>", '"]; x [label="', "&amp;", "{{ 7*7 }}", "${x}", "`",
    "\u202e", "\t", "x" * 300, "0", "-1", "1e309", "nan", "yes", "null", "a\nb",
]  # fmt: skip
KEYS = ["id", "kind", "stage", "label", "from", "to", "step", "title", "views", "components"]


def _value(rng: random.Random, ids: list[str]) -> object:
    choice = rng.randrange(9)
    if choice == 0:
        return rng.choice(FRAGMENTS)
    if choice == 1:
        return rng.choice(ids) if ids else "x"
    if choice == 2:
        return rng.choice([None, 0, -5, 10**20, 3.5, True, [], {}])
    if choice == 3:
        return [rng.choice(FRAGMENTS), rng.choice(ids or ["x"])]
    if choice == 4:
        return {rng.choice(KEYS): rng.choice(FRAGMENTS)}
    if choice == 5:
        return rng.choice(catalog.kind_names())
    if choice == 6:
        return rng.choice(["client", "data", "features", "training", "serving", "monitoring"])
    if choice == 7:
        return rng.randint(-3, 120)
    return rng.choice(FRAGMENTS) + rng.choice(ids or ["y"])


def _nodes(data: object, path: tuple = ()) -> list[tuple]:
    """Every (container path) in the data: where a mutation can land."""
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _nodes(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _nodes(value, (*path, index))
    return found


def _at(data: object, path: tuple) -> object:
    for part in path:
        data = data[part]  # type: ignore[index]
    return data


def mutate_data(data: dict, rng: random.Random) -> dict:
    ids = [c.get("id") for c in data.get("components", []) if isinstance(c, dict)]
    ids = [i for i in ids if isinstance(i, str)]
    for _ in range(rng.randint(1, 4)):
        path = rng.choice(_nodes(data)[1:] or [()])
        if not path:
            continue
        parent, key = _at(data, path[:-1]), path[-1]
        action = rng.randrange(5)
        if action == 0:
            del parent[key]  # type: ignore[union-attr]
        elif action == 1 and isinstance(parent, list):
            parent.append(parent[key])  # a duplicate item
        elif action == 2 and isinstance(parent, dict):
            parent[rng.choice(KEYS)] = _value(rng, ids)
        elif action == 3 and isinstance(parent, list):
            parent.clear()
        else:
            parent[key] = _value(rng, ids)  # type: ignore[index]
    return data


def mutate_text(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(rng.randint(1, 3)):
        index = rng.randrange(len(lines)) if lines else 0
        action = rng.randrange(5)
        if action == 0 and lines:
            del lines[index]
        elif action == 1 and lines:
            lines.insert(index, lines[index])
        elif action == 2 and lines:
            cut = rng.randrange(len(lines[index]) + 1)
            lines[index] = (
                lines[index][:cut] + rng.choice(":-[]{}'\"#&*!|>%@` \t") + lines[index][cut:]
            )
        elif action == 3:
            lines = lines[: rng.randrange(len(lines) + 1)]
        elif lines:
            lines[index] = " " * rng.randint(0, 4) + lines[index].lstrip()
    return "".join(lines)


def every_output(design: Design, source: str, folder: Path, draw: bool) -> None:
    graph = build_graph(design)
    main = overview(design, graph)
    dot = to_dot(graph, main.options)
    for picture in [*view_pictures(design, graph), *build_up(design, graph)]:
        to_dot(picture.graph, picture.options)
    to_markdown(design, graph, f"{design.id}.png")
    to_python(graph)
    to_mermaid(graph)
    card = site.Card.of(design)
    site.design_page(card, to_markdown(design, graph, None))
    site.index_page([card])
    review(load_text(source, "fuzz.yaml"), design)
    if draw:
        svg = folder / "fuzz.svg"
        run_dot(dot, {"svg": svg}, catalog.icon_search_path())
        titles = re.findall(rb'class="node">\s*<title>([^<]*)</title>', svg.read_bytes())
        # connectors (`_link_...`) are drawn for flows laid out as two short arrows
        assert sum(1 for t in titles if not t.startswith(b"_link_")) == len(graph.nodes)


def test_mutated_specs_end_in_outputs_or_located_errors(tmp_path: Path, monkeypatch):
    # The layout search lays each picture out up to 36 ways with `dot`: it runs for the specs
    # drawn by the real `dot` (1 in SVG_EVERY); the others keep the plain layout's options
    # (as when no search can run: None, so nothing is kept in the layout cache), or the test
    # would take ten minutes instead of about one.
    from mlsd_diagrams import arrange

    searching = {"on": False}
    search = arrange._search
    monkeypatch.setattr(
        arrange, "_search", lambda g, o, w: search(g, o, w) if searching["on"] else None
    )
    bases = [MINIMAL] + [spec.read_text(encoding="utf-8") for spec in DESIGNS]
    parsed = [yaml.safe_load(text) for text in bases]
    rng = random.Random(20261127)
    crashes, valid, drawn, refused = [], 0, 0, 0
    for number in range(SPECS):
        base = rng.randrange(len(bases))
        if rng.random() < 0.5:
            data = mutate_data(yaml.safe_load(yaml.safe_dump(parsed[base])), rng)
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        else:
            text = mutate_text(bases[base], rng)
        name = f"fuzz-{number}.yaml"
        try:
            design = validate(load_text(text, name))
        except SpecError as exc:
            refused += 1
            lines = str(exc).splitlines()
            unlocated = [line for line in lines if not LOCATED.match(line)]
            unlocated = [line for line in unlocated if not line.endswith("problems not shown")]
            if unlocated:
                crashes.append(f"{name}: unlocated error: {unlocated[0]}")
            continue
        except Exception:
            crashes.append(f"{name} (validate): {traceback.format_exc(limit=-3)}")
            continue
        valid += 1
        draw = valid % SVG_EVERY == 1
        drawn += draw
        searching["on"] = draw
        try:
            every_output(design, text, tmp_path, draw)
        except Exception:
            crashes.append(f"{name} (outputs): {traceback.format_exc(limit=-3)}")
    print(f"\nfuzz: {SPECS} specs, {refused} refused with located errors, {valid} valid, "
          f"{drawn} drawn by dot; {len(crashes)} crashes")  # fmt: skip
    assert not crashes, "\n".join(crashes[:5])
    assert valid >= SPECS // 10 and refused >= SPECS // 10, "the mutations reach both sides"
