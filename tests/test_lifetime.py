"""Child processes that end with their parent: the death signal and the portable watch."""

from __future__ import annotations

import signal
import subprocess
import sys

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

    def lay_out(source: str) -> None:
        with lock:
            started.append(source)
        if source == "0":
            raise KeyboardInterrupt
        time.sleep(0.05)

    monkeypatch.setattr(layout, "_lay_out_or_none", lay_out)
    sources = [str(n) for n in range(40)]
    with pytest.raises(KeyboardInterrupt):
        layout.lay_out_many(sources, workers=2)
    assert len(started) < 10, f"{len(started)} of 40 layouts started after the interrupt"
