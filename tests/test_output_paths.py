"""Bad output paths and unreadable specs: exit 2 with the path and what to do, never a
traceback. Read-only folders are tried as an unprivileged user (root may write anywhere)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINIMAL

from mlsd_diagrams.cli import cli
from mlsd_diagrams.errors import GraphvizFailedError
from mlsd_diagrams.render.graphviz import run_dot

NOBODY = 65534


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder an unprivileged user can reach (pytest's own is root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="mlsd-paths-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in folder.rglob("*"):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(folder)


def unprivileged(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`mlsd ARGS` as a user without root's right to write anywhere."""
    command = [sys.executable, "-m", "mlsd_diagrams", *args]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv")
        ids = [f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        command = ["setpriv", *ids, *command]
    env = {**os.environ, "HOME": str(cwd)}
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def test_an_output_path_under_a_file_is_a_clear_error(tmp_path: Path):
    spec = tmp_path / "tiny.yaml"
    spec.write_text(MINIMAL)
    (tmp_path / "afile").write_text("mine")
    bad = str(tmp_path / "afile" / "sub")
    for command in (
        ["render", str(spec), "-f", "md", "-o", bad],
        ["export-code", str(spec), "-o", bad],
        ["schema", "-o", f"{bad}/s.json"],
        ["new", "x", "-d", bad],
    ):
        result = run(*command)
        assert result.exit_code == 2, (command, result.output, result.exception)
        assert result.stderr.startswith(bad), result.stderr
        assert "is a file, not a folder" in result.stderr, result.stderr
    assert (tmp_path / "afile").read_text() == "mine"


def test_a_read_only_folder_is_a_clear_error(shared: Path):
    spec = shared / "tiny.yaml"
    spec.write_text(MINIMAL)
    spec.chmod(0o644)
    readonly = shared / "ro"
    readonly.mkdir(mode=0o555)
    readonly.chmod(0o555)
    for command, path in (
        (["render", "tiny.yaml", "-f", "md", "-o", "ro/sub"], "ro/sub"),
        (["export-code", "tiny.yaml", "-o", "ro/sub"], "ro/sub"),
        (["schema", "-o", "ro/s.json"], "ro/s.json"),
        (["new", "x", "-d", "ro"], "ro"),
    ):
        done = unprivileged(*command, cwd=shared)
        assert done.returncode == 2, (command, done.stderr)
        assert "Traceback" not in done.stderr
        assert done.stderr.startswith(path), done.stderr
        assert "permission denied; choose a folder you can write to" in done.stderr, done.stderr
    assert list(readonly.iterdir()) == []


def test_an_unreadable_spec_is_a_located_error(shared: Path):
    spec = shared / "secret.yaml"
    spec.write_text(MINIMAL)
    spec.chmod(0o000)
    done = unprivileged("validate", "secret.yaml", cwd=shared)
    assert done.returncode == 2
    assert done.stderr == "secret.yaml:1:1: cannot read file: Permission denied\n"


def test_a_full_disk_is_named_not_graphviz_words():
    chain = " ".join(f"n{i} -> n{i + 1};" for i in range(3000))  # more than dot buffers
    with pytest.raises(GraphvizFailedError) as caught:
        run_dot(f"digraph {{ {chain} }}", {"svg": Path("/dev/full")}, [])
    assert "no space left on device" in str(caught.value)
    assert "gvwrite_no_z" not in str(caught.value)
