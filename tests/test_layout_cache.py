"""The layout search's choices kept on disk (arrange.py, cache.py): a later run draws the
same picture without searching, and nothing wrong in the cache changes a picture."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import MINIMAL

from mlsd_diagrams import arrange
from mlsd_diagrams.graph import Graph, build_graph
from mlsd_diagrams.render.dot import Options, to_dot
from mlsd_diagrams.validate import load_design

# A loop (monitoring back into training) and a deployment back into serving: the search
# draws them otherwise than the plain layout.
LOOP = (
    MINIMAL.replace("components:\n", "components:\n", 1)
    + """\
  - {from: app, to: events, label: clicks, kind: stream, step: 2}
  - {from: events, to: trainer, label: labels, kind: batch, step: 3}
  - {from: trainer, to: api, label: deploy, kind: batch, step: 4}
  - {from: api, to: monitor, label: predictions, kind: stream, step: 5}
  - {from: monitor, to: trainer, label: retrain, kind: feedback, step: 6}
"""
)
LOOP = LOOP.replace(
    "  - {id: api,",
    "  - {id: events, kind: event-stream, label: Events, stage: data}\n"
    "  - {id: trainer, kind: training-pipeline, label: Trainer, stage: training}\n"
    "  - {id: monitor, kind: monitoring, label: Monitor, stage: monitoring}\n"
    "  - {id: api,",
)


@pytest.fixture
def graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Graph:
    monkeypatch.setenv("MLSD_CACHE_DIR", str(tmp_path / "cache"))
    spec = tmp_path / "loop.yaml"
    spec.write_text(LOOP, encoding="utf-8")
    return build_graph(load_design(spec))


def _chosen(graph: Graph, monkeypatch: pytest.MonkeyPatch) -> Options:
    monkeypatch.setattr(arrange, "_CHOSEN", {})  # as a new process: nothing in memory
    return arrange.arranged(graph, Options())


def _entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "layouts").glob("*.json"))


def test_a_later_run_draws_the_same_picture_without_searching(graph, tmp_path, monkeypatch):
    searched = _chosen(graph, monkeypatch)
    assert to_dot(graph, searched) != to_dot(graph, Options())  # a real choice was made
    assert len(_entries(tmp_path)) == 1
    monkeypatch.setattr(arrange, "_search", _no_search)
    assert _chosen(graph, monkeypatch) == searched


# what a search could have chosen, told apart from the plain options
FAKE = replace(Options(), links=frozenset({1, 3}), rows=True, online_first=True)


@pytest.mark.parametrize(
    "garbage",
    [
        b"not json",
        b"[1, 2]",
        b'{"no_such_option": true}',
        b'{"rows": "yes"}',
        b'{"rows": 1}',
        b'{"links": [true]}',
        b'{"links": ["0"]}',
        b'{"links": 3}',
        b'{"theme": "dark"}',
        b'{"spacing": "huge"}',
        b'{"links": [99]}',
        b'{"zones": true}',
        b'{"key_rows": 9}',
        b'{"key_rows": "4"}',
    ],
)
def test_a_damaged_entry_is_searched_again_and_put_right(graph, tmp_path, monkeypatch, garbage):
    searches = []
    monkeypatch.setattr(arrange, "_search", lambda g, o, w: searches.append(1) or FAKE)
    assert _chosen(graph, monkeypatch) == FAKE
    (entry,) = _entries(tmp_path)
    kept = entry.read_bytes()
    entry.write_bytes(garbage)
    assert _chosen(graph, monkeypatch) == FAKE
    assert len(searches) == 2
    assert entry.read_bytes() == kept


def test_a_taller_key_the_search_tried_is_recalled(graph, tmp_path, monkeypatch):
    taller = replace(FAKE, key_rows=arrange.TALLER_KEYS[-1])
    monkeypatch.setattr(arrange, "_search", lambda g, o, w: taller)
    assert _chosen(graph, monkeypatch) == taller
    monkeypatch.setattr(arrange, "_search", _no_search)
    assert _chosen(graph, monkeypatch) == taller


def test_an_unwritable_cache_only_costs_time(graph, tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("MLSD_CACHE_DIR", str(blocked))
    monkeypatch.setattr(arrange, "_search", lambda g, o, w: FAKE)
    assert _chosen(graph, monkeypatch) == FAKE


def test_nothing_is_kept_when_no_search_could_run(graph, tmp_path, monkeypatch):
    monkeypatch.setattr(arrange, "_search", lambda g, o, w: None)
    assert _chosen(graph, monkeypatch) == Options()
    assert _entries(tmp_path) == []


def test_a_search_cut_short_is_not_tried_again_within_one_pass_but_is_after_it(graph, monkeypatch):
    # a long-running `mlsd serve`: a render without Graphviz (or past the time budget) drew
    # the picture plainly; the next render, Graphviz installed, searches it again
    monkeypatch.setattr(arrange, "_CHOSEN", {})
    searches: list[int] = []
    monkeypatch.setattr(arrange, "_search", lambda g, o, w: searches.append(1) and None)
    with arrange.noting_guesses() as guessed, arrange.one_pass():
        # the overview, its views and frames ask in turn: one search, each drawn plainly
        assert [arrange.arranged(graph, Options()) for _ in range(3)] == [Options()] * 3
    assert searches == [1] and guessed == [True] * 3
    monkeypatch.setattr(arrange, "_search", lambda g, o, w: searches.append(2) or FAKE)
    with arrange.noting_guesses() as guessed, arrange.one_pass():
        assert arrange.arranged(graph, Options()) == FAKE
        assert arrange.arranged(graph, Options()) == FAKE
    assert searches == [1, 2] and guessed == []


def test_outside_a_pass_a_search_cut_short_is_not_remembered(graph, monkeypatch):
    monkeypatch.setattr(arrange, "_CHOSEN", {})
    searches: list[int] = []
    monkeypatch.setattr(arrange, "_search", lambda g, o, w: searches.append(1) and None)
    assert arrange.arranged(graph, Options()) == arrange.arranged(graph, Options()) == Options()
    assert searches == [1, 1]


def test_a_render_and_a_check_are_each_one_pass(monkeypatch, tmp_path):
    from mlsd_diagrams import build, check

    passes: list[str] = []
    real = arrange.one_pass

    def counted():
        passes.append("pass")
        return real()

    monkeypatch.setattr(arrange, "one_pass", counted)
    spec = tmp_path / "loop.yaml"
    spec.write_text(LOOP, encoding="utf-8")
    design = load_design(spec)
    build.render_design(design, tmp_path / "out", ("dot",))
    check.check_design(design)
    assert passes == ["pass", "pass"]


def test_other_code_or_another_graphviz_never_reads_the_entry(graph, monkeypatch):
    source = to_dot(graph, Options())
    kept = arrange._stored(source, True)
    assert kept is not None and kept == arrange._stored(source, True)
    assert arrange._stored(source, False) != kept
    assert arrange._stored(source + " ", True) != kept
    with monkeypatch.context() as patch:
        patch.setattr(arrange.disk_cache, "code_version", lambda: "other code")
        assert arrange._stored(source, True) != kept
    with monkeypatch.context() as patch:
        patch.setattr(arrange, "dot_version", lambda dot: (99, 0, 0))
        assert arrange._stored(source, True) != kept


def _no_search(graph, options, whole):
    raise AssertionError("searched although the choice was kept on disk")


# --- serve's quick pass: the last choice of a graph of the same shape ---


def _relabelled(graph: Graph, tmp_path: Path, old: str, new: str) -> Graph:
    spec = tmp_path / "edited.yaml"
    spec.write_text(LOOP.replace(old, new), encoding="utf-8")
    return build_graph(load_design(spec))


def test_a_sketch_reuses_the_choice_of_the_same_shape_without_searching(
    graph, tmp_path, monkeypatch
):
    searched = _chosen(graph, monkeypatch)
    edited = _relabelled(graph, tmp_path, "label: Trainer", "label: Nightly trainer")
    monkeypatch.setattr(arrange, "_search", _no_search)
    with arrange.sketching():
        sketch = _chosen(edited, monkeypatch)
    assert sketch == searched and to_dot(edited, sketch) != to_dot(graph, searched)


def test_a_sketch_is_never_kept_as_the_choice(graph, tmp_path, monkeypatch):
    _chosen(graph, monkeypatch)
    edited = _relabelled(graph, tmp_path, "label: retrain", "label: retrain weekly")
    with arrange.sketching():
        _chosen(edited, monkeypatch)
    searches = []
    monkeypatch.setattr(arrange, "_search", lambda g, o, w: searches.append(1) or FAKE)
    assert _chosen(edited, monkeypatch) == FAKE and searches == [1]


def test_a_graph_of_another_shape_is_sketched_plainly(graph, tmp_path, monkeypatch):
    _chosen(graph, monkeypatch)
    other = _relabelled(graph, tmp_path, "kind: feedback", "kind: batch")  # a flow's kind
    monkeypatch.setattr(arrange, "_search", _no_search)
    with arrange.sketching():
        assert _chosen(other, monkeypatch) == Options()
