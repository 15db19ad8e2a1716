"""Child processes that end with their parent: the death signal and the portable watch."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mlsd_diagrams.lifetime import die_with_parent


def test_the_parent_watch_ends_a_process_whose_parent_is_gone():
    """The watch compares the parent's pid with the one it was given: a different one means
    the process was adopted, its parent dead. Here it is given a pid that is not its parent."""
    code = (
        "import time\n"
        "from mlsd_diagrams.lifetime import watch_parent\n"
        "watch_parent(999999999)\n"
        "time.sleep(60)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], timeout=30, check=False)
    assert done.returncode == -signal.SIGTERM


def test_the_death_signal_is_set_on_linux():
    if sys.platform.startswith("linux"):
        assert die_with_parent(0)  # signal 0: set, then cleared again


def test_loading_the_c_library_starts_no_process():
    """The library is the running program's own (dlopen(NULL)), not looked up by name:
    `ctypes.util.find_library` runs `ldconfig -p`, a process at every start of mlsd."""
    code = (
        "import sys\n"
        "started = []\n"
        "sys.addaudithook(lambda event, args: started.append(args[0])"
        " if event == 'subprocess.Popen' else None)\n"
        "from mlsd_diagrams import lifetime\n"
        "print(lifetime._libc() is not None, started)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split(maxsplit=1)[1].strip() == "[]"
    if sys.platform.startswith("linux"):
        assert done.stdout.startswith("True")


def test_ctrl_c_in_a_layout_search_starts_no_more_layouts(monkeypatch):
    """The candidates of a picture are laid out a few at a time; after Ctrl-C the ones not
    started never start (a build's worker would otherwise lay out dozens more first)."""
    import threading
    import time

    import pytest

    from mlsd_diagrams.render import layout

    started, lock = [], threading.Lock()

    def lay_out(source: str, read: object) -> None:
        with lock:
            started.append(source)
        if source == "0":
            raise KeyboardInterrupt
        time.sleep(0.05)

    monkeypatch.setattr(layout, "_read_or_none", lay_out)
    sources = [str(n) for n in range(40)]
    with pytest.raises(KeyboardInterrupt):
        layout.lay_out_many(sources, workers=2)
    assert len(started) < 10, f"{len(started)} of 40 layouts started after the interrupt"


STARTS_DOT = """
import sys, time
from mlsd_diagrams.render import graphviz
if sys.argv[1] == "preexec":  # confined by a preexec_fn (no setpriv and prlimit)
    graphviz._through_tools = lambda: None
process = graphviz.Batch().start(["sleep", "300"])
print(process.pid, graphviz._confinement() is not None, flush=True)
time.sleep(300)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the death signal is Linux's")
@pytest.mark.parametrize("confined", ["setpriv", "preexec"])
def test_a_dot_run_ends_when_the_process_that_started_it_is_killed(confined: str):
    """`dot` is started through setpriv and prlimit where they are (each execs the next: the
    process started is the one that runs `dot`), else through a preexec_fn; either way it is
    killed with the process that started it, which cannot clean up after a SIGKILL."""
    if confined == "setpriv" and not (shutil.which("setpriv") and shutil.which("prlimit")):
        pytest.skip("util-linux's setpriv and prlimit are not installed here")
    parent = subprocess.Popen(
        [sys.executable, "-c", STARTS_DOT, confined], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    pid, through_tools = parent.stdout.readline().split()
    assert through_tools == str(confined == "setpriv")
    command = Path(f"/proc/{pid}/cmdline")
    for _ in range(100):  # the exec chain reaches `sleep` in the same process
        if command.read_bytes().split(b"\0")[0] == b"sleep":
            break
        time.sleep(0.05)
    assert command.read_bytes().split(b"\0")[:2] == [b"sleep", b"300"]
    parent.kill()
    parent.wait()
    for _ in range(100):
        if not command.exists() or b"State:\tZ" in Path(f"/proc/{pid}/status").read_bytes():
            break
        time.sleep(0.05)
    else:
        os.kill(int(pid), signal.SIGKILL)
        raise AssertionError("the `dot` outlived the process that started it")
