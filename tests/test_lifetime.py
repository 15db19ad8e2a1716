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
