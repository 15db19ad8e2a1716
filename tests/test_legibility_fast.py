"""The fast paths of `legibility.distance` give the exact figure, to the bit: the pieces
skipped by their bounds, a run of pieces at a time, and the distance to one piece computed
on plain numbers, against the plain definitions on hand-built boxes and lines."""

import math
import random

from mlsd_diagrams import legibility
from mlsd_diagrams.render.layout import Box, Point

BOX = Box(100.0, 50.0, 40.0, 12.5)


def _lines() -> list[list[Point]]:
    rng = random.Random(17)
    lines: list[list[Point]] = [
        [(0.0, 0.0), (0.0, 0.0), (10.0, 0.0)],  # a piece of length 0
        [(90.0, 40.0), (150.0, 70.0)],  # across the box
        [(110.0, 55.0), (120.0, 56.0)],  # inside it
        [(100.0, 0.0), (100.0, 49.0), (100.0, 50.0), (140.0, 62.5)],  # along and onto its sides
        [(141.0, 63.5), (300.0, 300.0)],  # from near a corner
    ]
    for _ in range(60):
        x, y = rng.uniform(0, 240), rng.uniform(-50, 150)
        line = [(x, y)]
        for _ in range(rng.randrange(1, 40)):
            x, y = x + rng.uniform(-30, 30), y + rng.uniform(-30, 30)
            line.append((x, y))
        lines.append(line)
    return lines


def _plain(box: Box, line: list[Point]) -> float:
    return min(
        (legibility.box_to_segment(box, a, b) for a, b in zip(line, line[1:], strict=False)),
        default=math.inf,
    )


def test_one_piece_on_plain_numbers_is_the_plain_distance_to_the_bit() -> None:
    for line in _lines():
        for (ax, ay), (bx, by) in zip(line, line[1:], strict=False):
            fast = legibility._segment_gap(BOX, ax, ay, bx, by)
            assert fast == legibility.box_to_segment(BOX, (ax, ay), (bx, by))


def test_skipping_runs_of_pieces_keeps_the_nearest_exact() -> None:
    for line in _lines():
        assert legibility.distance(BOX, line) == _plain(BOX, line)


def test_beyond_only_cuts_results_that_far_or_farther() -> None:
    for line in _lines():
        exact = _plain(BOX, line)
        for beyond in (0.5, 5.0, 20.0, 80.0):
            found = legibility.distance(BOX, line, beyond)
            assert found == exact if exact < beyond else found >= beyond
