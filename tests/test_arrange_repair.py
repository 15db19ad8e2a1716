"""The layout search's repairs (arrange.py) on hand-built layouts and a small graph: stages
drawn out of reading order get an invisible edge per pair, labels dot printed over a stage's
title are placed after the layout, and the choice kept on disk names those pairs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from mlsd_diagrams import arrange
from mlsd_diagrams.check import measure
from mlsd_diagrams.graph import Cluster, Edge, Graph, Node
from mlsd_diagrams.render.dot import Options, to_dot
from mlsd_diagrams.render.layout import Box, Layout, PlacedCluster, PlacedEdge, Text, lay_out_many


def stage(name: str, x: float, y: float, width: float = 100, height: float = 80) -> PlacedCluster:
    """A stage box with its title at its top left, as dot draws it."""
    title = Text(name.title(), x + 4, y + 14, 12, "#000000", 7 * len(name), "l")
    return PlacedCluster(f"cluster_{name}", Box(x, y, width, height), (title,))


def layout(clusters: Sequence[PlacedCluster], edges: Sequence[PlacedEdge] = ()) -> Layout:
    return Layout(800, 400, (), tuple(edges), tuple(clusters), (), "#ffffff")


def labelled(source: str, target: str, words: str, x: float, y: float) -> PlacedEdge:
    """A straight edge at height y with its label centred at (x, y - 4)."""
    label = Text(words, x, y - 4, 10, "#000000", 6 * len(words), "c")
    return PlacedEdge(source, target, ((0, y), (0, y), (400, y), (400, y)), None, (label,), "", "")


def test_the_pairs_of_stages_drawn_out_of_order_are_named_earlier_first():
    # as personalized-news-feed was drawn: monitoring on the row above, left of training
    drawn = layout(
        [stage("serving", 0, 120, 400), stage("monitoring", 0, 0), stage("training", 500, 0)]
    )
    assert arrange._out_of_order(drawn) == {("training", "monitoring")}


def test_stages_in_reading_order_or_wrapped_onto_a_row_below_are_no_pair():
    in_a_row = layout(
        [stage("training", 0, 0), stage("serving", 200, 0), stage("monitoring", 400, 0)]
    )
    wrapped = layout([stage("training", 300, 0), stage("monitoring", 0, 200)])
    assert arrange._out_of_order(in_a_row) == frozenset()
    assert arrange._out_of_order(wrapped) == frozenset()


def test_a_label_on_a_stage_title_is_found_and_one_beside_it_is_not():
    title_at = (104 + 3.5 * len("features"), 14)  # the title's middle, its baseline
    on_title = labelled("posts", "batch", "friendships", title_at[0], title_at[1] + 4)
    below = labelled("posts", "store", "embeddings", 250, 70)
    drawn = layout([stage("features", 100, 0, 300, 100)], [on_title, below])
    assert arrange._on_stage_titles(drawn) == {("posts", "batch")}


def graph() -> Graph:
    nodes = (
        Node("events", "Events", "event-stream", "data", None),
        Node("trainer", "Trainer", "training-pipeline", "training", None),
        Node("metrics", "Metrics", "monitoring", "monitoring", None),
    )
    clusters = tuple(Cluster(n.stage, n.stage.title(), (n.id,)) for n in nodes)
    edges = (
        Edge("events", "trainer", "logs", "batch", None),
        Edge("events", "metrics", "counts", "stream", None),
    )
    return Graph("small", "Small", clusters, nodes, edges)


def test_a_pair_kept_in_order_is_one_invisible_edge_from_the_earlier_stage_to_the_later():
    plain = to_dot(graph())
    kept = to_dot(graph(), Options(kept_in_order=frozenset({("training", "monitoring")})))
    edge = "trainer -> metrics [minlen=0 style=invis weight=0]"
    assert edge not in plain
    assert edge in kept
    assert kept.count("style=invis") == plain.count("style=invis") + 1


def test_the_pairs_kept_in_order_are_recalled_from_the_cache_and_bad_ones_are_not():
    small, options = graph(), Options()
    chosen = arrange._tries(small, options, True)[0]
    chosen = Options(
        **{**chosen.__dict__, "kept_in_order": frozenset({("training", "monitoring")})}
    )
    stored = arrange._changes(options, chosen)
    assert json.loads(stored)["kept_in_order"] == [["training", "monitoring"]]
    assert arrange._recall(small, options, True, stored) == chosen
    for bad in ([["training"]], [["training", "nowhere"]], ["training"], [[1, 2]], [[["a"], "b"]]):
        data = json.dumps({"kept_in_order": bad}).encode()
        assert arrange._recall(small, options, True, data) is None


def test_a_view_tightened_for_its_labels_is_recalled_from_the_cache():
    small, options = graph(), Options()
    tight = json.dumps({"spacing": arrange.SMALL_VIEW_SPACING}).encode()
    assert arrange._recall(small, options, False, tight) == Options(
        spacing=arrange.SMALL_VIEW_SPACING
    )
    unknown = json.dumps({"spacing": "cramped"}).encode()
    assert arrange._recall(small, options, False, unknown) is None


def test_a_view_whose_labels_are_large_enough_is_not_tightened():
    small = graph()
    tries = arrange._tries(small, Options(), False)
    layouts = lay_out_many([to_dot(small, each) for each in tries], 1)
    figures = [None if each is None else measure(each) for each in layouts]
    scores = [0.0 if each is None else arrange.penalty(each, whole=False) for each in figures]
    assert all(f is not None and (f.min_label_px or 0) >= 12 for f in figures)
    assert arrange._tightened(small, tries, layouts, figures, scores)[0] == tries


def test_a_view_whose_labels_are_too_small_is_tried_tighter_too():
    small = graph()
    tries = arrange._tries(small, Options(), False)
    layouts = lay_out_many([to_dot(small, each) for each in tries], 1)
    figures = [None if f is None else replace(measure(f), min_label_px=10.0) for f in layouts]
    scores = [1.0] * len(tries)
    again, relaid, measured, rescored = arrange._tightened(small, tries, layouts, figures, scores)
    added = again[len(tries) :]
    assert added == [replace(t, spacing="tight") for t in tries if t.spacing == ""]
    assert len(relaid) == len(measured) == len(rescored) == len(again)
    assert all(f is not None for f in measured[len(tries) :])
