"""bench.py's CPU figures: the work a run did, counted in every process of its tree."""

from __future__ import annotations

import sys

from conftest import ROOT

# A child that starts a grandchild, which burns some CPU and says how much it used.
GRANDCHILD = "import time\nx = sum(i * i for i in range(400_000))\nprint(time.process_time())"
CHILD = f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {GRANDCHILD!r}])"


def test_a_runs_cpu_counts_the_processes_it_started_and_theirs():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench
    finally:
        sys.path.remove(str(ROOT / "bench"))
    contender = bench.Contender("tree", [[sys.executable, "-c", CHILD]] * 2)
    contender.time_once()
    [cpu] = contender.cpu
    grandchildren = sum(float(line) for line in contender.outputs[0].split())
    assert len(contender.outputs[0].split()) == 2  # both runs' grandchildren reported
    assert cpu >= grandchildren > 0  # theirs, and the children's own on top
