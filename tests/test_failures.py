"""Failure injection: Graphviz missing, old, crashing or too slow; builds run at once into one
folder; builds killed mid-way. Every failure is a clear message and a non-zero exit; nothing
of the previous outputs is lost; no partial file is ever visible."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINIMAL, copy_designs

from mlsd_diagrams.cli import cli
from mlsd_diagrams.portfolio import LOCK
from mlsd_diagrams.render.graphviz import MEMORY_LIMIT_BYTES
from mlsd_diagrams.write import TEMP_MARK

MLSD = [sys.executable, "-m", "mlsd_diagrams"]
SAMPLE = ["street-view-blurring", "similar-listings", "ad-click-prediction"]
REAL_DOT = shutil.which("dot") or "dot"


@pytest.fixture
def designs(tmp_path: Path) -> Path:
    return copy_designs(tmp_path / "designs", SAMPLE)


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def report(capsys: pytest.CaptureFixture[str], line: str) -> None:
    with capsys.disabled():
        print(f"\n{line}")


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(MINIMAL)
    return path


def fake_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Path:
    """Put a `dot` shell script first on PATH; `$REAL` in `body` is the real one."""
    folder = tmp_path / "fake-bin"
    folder.mkdir(exist_ok=True)
    script = folder / "dot"
    script.write_text(f"#!/bin/sh\nREAL={REAL_DOT}\n{body}\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return script


def visible(folder: Path) -> dict[str, bytes]:
    """Every file of an output folder but the temporaries and the lock (which names the pid
    of the build holding it), with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and not any(part.startswith(TEMP_MARK) for part in p.parts)
        and p.name != LOCK
    }


def temporaries(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob(f"{TEMP_MARK}*"))


# --- Graphviz missing, old, crashing, slow ---


def test_missing_dot_fails_render_and_build_clearly(spec: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    out = tmp_path / "out"
    result = run("render", str(spec), "-o", str(out), "-f", "svg")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{spec}: Graphviz `dot` was not found on PATH; install Graphviz: `apt-get install "
        "graphviz` (Debian/Ubuntu) or `brew install graphviz`\n"
    )
    result = run("build", str(spec.parent), "-o", str(out))
    assert result.exit_code == 1
    assert "tiny.yaml: Graphviz `dot` was not found on PATH" in result.stderr
    assert "1 designs: 0 built, 0 skipped, 1 failed" in result.output
    assert not (out / "tiny").exists() and temporaries(out) == []
    # the text formats need no Graphviz
    assert run("render", str(spec), "-o", str(out), "-f", "md,py,dot").exit_code == 0


def test_an_old_dot_is_refused_before_anything_is_written(spec: Path, tmp_path: Path, monkeypatch):
    fake_dot(tmp_path, monkeypatch, 'echo "dot - graphviz version 2.30.0 (20130214.1330)" >&2')
    out = tmp_path / "out"
    result = run("render", str(spec), "-o", str(out), "-f", "png,svg")
    assert result.exit_code == 1
    assert re.fullmatch(
        rf"{re.escape(str(spec))}: Graphviz `dot` 2\.30\.0 \(.*/fake-bin/dot\) is too old; "
        r"mlsd needs 2\.40 or newer \(HTML-like labels, newrank\); upgrade Graphviz: .*\n",
        result.stderr,
    )
    assert list(out.iterdir()) == []


def test_the_version_of_a_dot_is_asked_once_per_install(tmp_path: Path, monkeypatch):
    """`dot -V` runs once for a `dot` file; later processes read its answer from the disk
    cache, until the file changes (Graphviz installed anew)."""
    from mlsd_diagrams.render.graphviz import dot_version

    monkeypatch.setenv("MLSD_CACHE_DIR", str(tmp_path / "cache"))
    asked = tmp_path / "asked"
    say = 'echo "dot - graphviz version {} (0)" >&2'
    script = fake_dot(tmp_path, monkeypatch, f"echo >> {asked}\n" + say.format("2.43.0"))
    ask = dot_version.__wrapped__  # as a new process would: not the answer cached in memory
    assert ask(str(script)) == (2, 43, 0)
    assert ask(str(script)) == (2, 43, 0)
    assert asked.read_text().count("\n") == 1
    fake_dot(tmp_path, monkeypatch, f"echo >> {asked}\n" + say.format("12.2.10"))
    assert ask(str(script)) == (12, 2, 10)
    assert asked.read_text().count("\n") == 2


def test_a_dot_without_a_version_is_a_clear_error(spec: Path, tmp_path: Path, monkeypatch):
    fake_dot(tmp_path, monkeypatch, 'echo "this is not graphviz" >&2')
    result = run("render", str(spec), "-o", str(tmp_path / "out"), "-f", "svg")
    assert result.exit_code == 1
    assert "-V` did not print its version: this is not graphviz" in result.stderr


def test_a_crashing_dot_is_reported_and_leaves_nothing(spec: Path, tmp_path: Path, monkeypatch):
    fake_dot(
        tmp_path,
        monkeypatch,
        'if [ "$1" = -V ]; then exec $REAL -V; fi\necho "trouble in init_rank" >&2\nkill -ABRT $$',
    )
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    result = run("render", str(spec), "-o", str(out), "-f", "png,svg,md")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{spec}: Graphviz `dot` crashed (SIGABRT); it may have run out of memory (limit 2 GB) "
        "or hit a Graphviz bug: try a smaller design or another Graphviz version: "
        "trouble in init_rank (and with each of 5 fallback layouts: split the design)\n"
    )
    assert list(out.iterdir()) == []  # not even the write-up: a design is whole or absent
    assert not list(tmp_path.glob("core*"))  # no core dump


@pytest.mark.parametrize("confined", ["setpriv", "preexec"])
def test_dot_runs_with_a_memory_cap_and_no_core_dumps(
    spec: Path, tmp_path: Path, monkeypatch, request, confined: str
):
    """Through util-linux's setpriv and prlimit where they are, else a preexec_fn."""
    from mlsd_diagrams.render import graphviz

    if confined == "preexec":
        monkeypatch.setattr(graphviz, "_through_tools", lambda: None)
    graphviz._confinement.cache_clear()
    request.addfinalizer(graphviz._confinement.cache_clear)  # the next test asks again
    limits = tmp_path / "limits"
    fake_dot(
        tmp_path,
        monkeypatch,
        f'if [ "$1" = -V ]; then exec $REAL -V; fi\n(ulimit -v; ulimit -c) > {limits}\nexit 3',
    )
    result = run("render", str(spec), "-o", str(tmp_path / "out"), "-f", "svg")
    assert result.exit_code == 1 and "Graphviz `dot` failed with exit status 3" in result.stderr
    assert limits.read_text().split() == [str(MEMORY_LIMIT_BYTES // 1024), "0"]


def pathological(folder: Path) -> Path:
    """60 boxes in one cluster and 300 labelled arrows between them: valid, and several
    seconds of layout for `dot`."""
    boxes = "".join(
        f"  - {{id: c{i}, kind: cache, label: Component number {i} with a long label, "
        "stage: serving}\n"
        for i in range(60)
    )
    pairs = [(a, b) for a in range(60) for b in range(60) if a != b]
    arrows = "".join(
        f"  - {{from: c{a}, to: c{b}, label: flow {n} carries data}}\n"
        for n, (a, b) in enumerate(pairs[7::11][:300])
    )
    path = folder / "knot.yaml"
    path.write_text(f"id: knot\ntitle: Knot\nprompt: P.\ncomponents:\n{boxes}flows:\n{arrows}")
    return path


def test_a_layout_past_its_time_budget_is_stopped(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("MLSD_DOT_TIMEOUT", "1")
    spec = pathological(tmp_path)
    started = time.perf_counter()
    result = run("render", str(spec), "-o", str(tmp_path / "out"), "-f", "svg")
    elapsed = time.perf_counter() - started
    assert result.exit_code == 1
    assert result.stderr == (
        f"{spec}: Graphviz `dot` took longer than 1 s and was stopped; split the design into "
        "smaller views (or set MLSD_DOT_TIMEOUT to a number of seconds)\n"
    )
    assert elapsed < 5, f"the budget held: {elapsed:.1f} s"
    assert list((tmp_path / "out").iterdir()) == []


# --- builds at once, builds killed ---


def build(designs: Path, out: Path, *extra: str, **kwargs: object) -> subprocess.Popen[str]:
    # without the PDF book: it doubles these builds' time and is written like any other file
    command = [*MLSD, "build", str(designs), "-o", str(out), "--no-book", *extra]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs
    )  # type: ignore[call-overload]


def test_two_builds_into_one_folder_both_finish(designs: Path, tmp_path: Path, capsys):
    out, reference = tmp_path / "out", tmp_path / "reference"
    first, second = build(designs, out, "-j", "1"), build(designs, out, "-j", "1")
    results = [process.communicate(timeout=120) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], results
    summaries = sorted(re.sub(r" in .*", "", stdout.splitlines()[0]) for stdout, _ in results)
    assert summaries == [
        "3 designs: 0 built, 3 skipped, 0 failed",  # it waited, then found everything done
        "3 designs: 3 built, 0 skipped, 0 failed",
    ]
    assert build(designs, reference, "-j", "1").wait(timeout=120) == 0
    assert visible(out) == visible(reference) and temporaries(out) == []
    report(
        capsys,
        f"two builds at once: {' / '.join(summaries)}; {len(visible(out))} files "
        "byte-identical to a build alone",
    )


def change_titles(designs: Path) -> None:
    for spec in designs.glob("*.yaml"):
        text = spec.read_text()
        spec.write_text(re.sub(r"^title: (.*)$", r"title: \1 (v2)", text, count=1, flags=re.M))


def wait_for(path: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def stuck_rebuild(designs: Path, tmp_path: Path, monkeypatch):
    """A finished build, then a second one (titles changed) stuck inside `dot`: the first
    design is being laid out, its files staged, none published. Returns the output folder,
    the first build's files and the stuck build's process (in its own process group)."""
    out = tmp_path / "out"
    assert build(designs, out, "-j", "2").wait(timeout=120) == 0
    before = visible(out)
    change_titles(designs)
    marker = tmp_path / "rendering"
    # layouts measured before drawing (`-Tjson` to stdout) run; drawing a file (`-o`) sticks;
    # `exec`: the dot process is the sleeping one; it sleeps far longer than any test waits,
    # so a `dot` left running is told apart from a slow clean-up on a loaded machine
    fake_dot(
        tmp_path,
        monkeypatch,
        'case "$*" in *" -o"*) ;; *) exec $REAL "$@";; esac\n' + f"touch {marker}\nexec sleep 300",
    )
    process = build(designs, out, "-j", "2", start_new_session=True)
    wait_for(marker)
    return out, before, process


def test_a_build_killed_mid_way_leaves_the_previous_outputs(
    designs: Path, tmp_path: Path, monkeypatch, capsys
):
    out, before, killed = stuck_rebuild(designs, tmp_path, monkeypatch)
    os.killpg(killed.pid, signal.SIGKILL)  # kill -9 of the build and its workers
    killed.wait(timeout=10)
    assert visible(out) == before, "every previous file is byte-identical"
    left = temporaries(out)
    assert left, "the killed build left its temporaries (hidden)"
    monkeypatch.undo()
    rebuilt = build(designs, out, "-j", "2")
    stdout, stderr = rebuilt.communicate(timeout=120)
    assert rebuilt.returncode == 0, stderr
    assert stdout.startswith("3 designs: 3 built, 0 skipped, 0 failed")
    assert temporaries(out) == [], "the next build removed them"
    assert "(v2)" in (out / "index.html").read_text()
    report(
        capsys,
        f"kill -9 while rendering: {len(before)} files byte-identical, "
        f"{len(left)} hidden temporaries left, removed by the next build "
        f"({stdout.split(' in ')[0]})",
    )


def test_ctrl_c_mid_build_leaves_the_previous_outputs_and_no_temporaries(
    designs: Path, tmp_path: Path, monkeypatch
):
    out, before, interrupted = stuck_rebuild(designs, tmp_path, monkeypatch)
    os.killpg(interrupted.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    interrupted.communicate(timeout=30)
    assert interrupted.returncode != 0
    assert visible(out) == before
    assert temporaries(out) == [], "an interrupted build cleans up after itself"


SWALLOWED = """
import sys
from pathlib import Path
from mlsd_diagrams import portfolio
from mlsd_diagrams.render import graphviz

def render_one(*_args, **_kwargs):
    try:  # Ctrl-C lands inside a finalizer: its KeyboardInterrupt is only printed
        portfolio._worker_terminated(2, None)
    except KeyboardInterrupt:
        pass
    try:
        graphviz.Batch().start(["true"])
        print("a dot started", flush=True)
    except graphviz.GraphvizFailedError:
        print("no dot started", flush=True)
    return portfolio.Outcome("spec.yaml", "built")

portfolio._render_one = render_one
portfolio._render_in_worker(None, Path(sys.argv[1]), None)
print("the worker went on to its next design")
"""


def test_a_worker_whose_interrupt_was_swallowed_still_stops(tmp_path: Path):
    """A KeyboardInterrupt raised inside a finalizer is printed, not raised: the worker
    must still start no more `dot` and end (it used to draw on, and a build hung)."""
    done = subprocess.run(
        [sys.executable, "-c", SWALLOWED, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert done.stdout == "no dot started\n"
    assert done.returncode == 130


FORKED = """
import subprocess
import sys
import traceback
from mlsd_diagrams import portfolio
from mlsd_diagrams.render import graphviz

fired = []

def interrupted():  # Ctrl-C handled while `dot` is being started: its interrupt is only printed
    if not fired:
        fired.append(True)
        portfolio._busy = True
        portfolio._worker_terminated(2, None)

if sys.argv[1] == "preexec":  # confined by a preexec_fn (no setpriv and prlimit)
    graphviz._through_tools = lambda: None
graphviz._confinement()  # (its probe is no `dot`)
started = subprocess.Popen.__init__

def start(self, *args, **kwargs):  # the interrupt lands once the process exists...
    started(self, *args, **kwargs)
    try:
        interrupted()
    except KeyboardInterrupt:  # ... and is printed, not raised (as in an at-fork hook)
        traceback.print_exc()

subprocess.Popen.__init__ = start
try:
    process = graphviz.Batch().start(["sleep", "300"])
    print("a dot left running", process.poll(), flush=True)
except graphviz.GraphvizFailedError:
    print("the dot was stopped", flush=True)
"""


@pytest.mark.parametrize("confined", ["setpriv", "preexec"])
def test_a_dot_started_as_the_interrupt_lands_is_stopped(tmp_path: Path, confined: str):
    """Ctrl-C handled while a worker starts `dot`: the KeyboardInterrupt is swallowed and the
    new `dot`, started after the signal reached the group, never got it. It must be killed,
    not waited on (a build hung 30 s on such a `dot` in CI)."""
    done = subprocess.run(
        [sys.executable, "-c", FORKED, confined], capture_output=True, text=True, timeout=60
    )
    assert "KeyboardInterrupt" in done.stderr, "the interrupt landed inside the fork"
    assert done.stdout == "the dot was stopped\n"


def descendants(pid: int) -> list[int]:
    """The processes `pid` started, and theirs, all the way down."""
    done = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True)
    pairs = [tuple(map(int, line.split())) for line in done.stdout.splitlines() if line.strip()]
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        children = [child for child, ppid in pairs if ppid == parent]
        found += children
        todo += children
    return found


def running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def wait_until_gone(pids: list[int], seconds: float = 20) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := [pid for pid in pids if running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "sigterm"])
def test_a_killed_build_takes_its_workers_with_it(
    designs: Path, tmp_path: Path, monkeypatch, how: signal.Signals
):
    """Only the main process is signalled (not its group): its render workers, and the
    `dot` each is running, end too; the lock is free for the next build at once."""
    out, before, process = stuck_rebuild(designs, tmp_path, monkeypatch)
    workers = descendants(process.pid)
    assert len(workers) >= 2, "two workers, each running dot"
    os.kill(process.pid, how)
    process.wait(timeout=30)  # not its pipes: a `dot` left running would hold them open
    assert wait_until_gone(workers, 60) == [], "every worker and dot ended with the build"
    _, stderr = process.communicate(timeout=30)
    assert temporaries(out) == [], "the workers cleaned up as they ended"
    assert visible(out) == before
    if how == signal.SIGTERM:
        assert process.returncode != 0 and "Traceback" not in stderr, stderr
    monkeypatch.undo()
    monkeypatch.setenv("MLSD_LOCK_TIMEOUT", "5")
    again = build(designs, out, "-j", "2")
    stdout, stderr = again.communicate(timeout=120)
    assert again.returncode == 0, stderr
    assert "waiting for another build" not in stderr


def test_a_build_waiting_for_the_lock_says_so_then_gives_up(designs: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    handle = os.open(out / LOCK, os.O_RDWR | os.O_CREAT)
    fcntl.flock(handle, fcntl.LOCK_EX)
    os.write(handle, f"{os.getpid()}\n".encode())
    try:
        waiting = build(designs, out, env={**os.environ, "MLSD_LOCK_TIMEOUT": "1"})
        _, stderr = waiting.communicate(timeout=60)
    finally:
        os.close(handle)
    assert waiting.returncode == 1
    assert stderr.splitlines() == [
        f"waiting for another build in {out} (pid {os.getpid()})",
        f"{out}: another build (pid {os.getpid()}) still holds it after 1 s of waiting; "
        "let it finish or stop it, then build again",
    ]
    assert sorted(p.name for p in out.iterdir()) == [LOCK]


def test_kills_at_any_moment_leave_only_whole_files(designs: Path, tmp_path: Path, capsys):
    """SIGKILL at several moments of a rebuild (starting, rendering, and publishing: right
    after the first new file appears): every visible file is always the old one or the new
    one, byte for byte, never a partial."""
    out, old, new = tmp_path / "out", tmp_path / "old", tmp_path / "new"
    assert build(designs, old, "-j", "2").wait(timeout=120) == 0
    old_files = visible(old)
    change_titles(designs)
    assert build(designs, new, "-j", "2").wait(timeout=120) == 0
    new_files, seen = visible(new), []
    for moment in (0.4, 0.8, "publishing"):
        shutil.copytree(old, out)
        process = build(designs, out, "-j", "2", start_new_session=True)
        if moment == "publishing":
            _wait_for_a_new_file(out, old_files, new_files)
        else:
            time.sleep(float(moment))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        files = visible(out)
        for name, data in files.items():
            assert data in (old_files.get(name), new_files.get(name)), f"{name} at {moment}"
        new = sum(1 for name, data in files.items() if data != old_files.get(name))
        if moment == "publishing":  # the kill landed while the build was publishing
            assert 0 < new < len(new_files), f"{new} new files of {len(new_files)}"
        seen.append(f"{moment}: {len(files) - new} old + {new} new")
        shutil.rmtree(out)
    report(capsys, "kill -9 at " + ", ".join(seen) + " files, none partial")


def _wait_for_a_new_file(
    out: Path, old_files: dict[str, bytes], new_files: dict[str, bytes], seconds: float = 120
) -> None:
    """Until a published file of the build under way shows in `out`."""
    watched = [name for name in new_files if new_files[name] != old_files.get(name)]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for name in watched:
            try:
                if (out / name).read_bytes() == new_files[name]:
                    return
            except OSError:
                pass
        time.sleep(0.005)
    raise AssertionError("the build never published a new file")


def test_clean_own_removes_only_this_process_temporaries(tmp_path: Path):
    from mlsd_diagrams.write import clean_own, temp_prefix

    mine = tmp_path / "design" / f"{temp_prefix('x')}abc"
    other = tmp_path / "design" / ".mlsd-tmp-1-x-abc"  # pid 1 is alive: someone else's
    for folder in (mine, other):
        folder.mkdir(parents=True)
        (folder / "half-written.png").write_bytes(b"\x89PNG")
    assert clean_own(tmp_path) == [mine]
    assert not mine.exists() and other.exists()


def test_ctrl_c_mid_render_stops_every_dot_and_leaves_no_temporaries(
    designs: Path, tmp_path: Path, monkeypatch
):
    """A render draws its pictures with several `dot` at once (one per core): Ctrl-C stops
    all of them, including any a thread was about to start when the signal came."""
    started = tmp_path / "started"
    started.mkdir()
    # layouts measured before drawing (`-Tjson` to stdout) run; each drawing (`-o`) records
    # its pid, then hangs
    body = 'case "$*" in *" -o"*) ;; *) exec $REAL "$@";; esac\n'
    fake_dot(tmp_path, monkeypatch, body + f"touch {started}/$$\nexec sleep 30")
    out = tmp_path / "out"
    spec = next(designs.glob("*.yaml"))
    process = subprocess.Popen(
        [*MLSD, "render", str(spec), "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(list(started.iterdir())) < 2:  # two pictures being drawn at once
            assert time.monotonic() < deadline, "the pictures were not drawn side by side"
            time.sleep(0.02)
    except AssertionError:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    os.killpg(process.pid, signal.SIGINT)
    process.communicate(timeout=20)  # a `dot` left running would hold it for 30 s
    assert process.returncode != 0
    assert temporaries(out) == []
    for pid in (int(p.name) for p in started.iterdir()):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # every `dot` this render started is gone
