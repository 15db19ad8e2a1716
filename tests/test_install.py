"""The package as a user gets it: built into a wheel and an sdist, installed into a fresh
virtualenv (never `-e`), and run from an empty folder far from this repository.

This is what `pip install .` and `pipx install .` do; the editable install of the rest of the
suite would hide files the build leaves out (templates, the case library, site assets, icons).
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

DATA = ["templates/writeup.md.j2", "templates/new.yaml.j2", "templates/diagram.py.j2"]
SITE = ["templates/site/style.css", "templates/site/gallery.js", "templates/site/index.html.j2"]
LIBRARY = ["designs/video-recommendation.yaml", "designs/rag-document-qa.yaml"]
ICONS = ["icons/mlsd/re-ranking.png"]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`python -m build`: the sdist, then the wheel built from that sdist (so the wheel
    proves the sdist is complete)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return out


def _one(folder: Path, pattern: str) -> Path:
    (found,) = folder.glob(pattern)
    return found


def test_the_wheel_carries_templates_library_site_assets_and_icons(dist: Path) -> None:
    names = set(zipfile.ZipFile(_one(dist, "*.whl")).namelist())
    for name in DATA + SITE + LIBRARY + ICONS:
        assert f"mlsd_diagrams/{name}" in names, name
    assert not any(n.startswith(("tests/", "templates/", "designs/")) for n in names)
    # every module of the source tree (pyproject.toml lists the packages one by one)
    for module in (ROOT / "mlsd_diagrams").rglob("*.py"):
        assert module.relative_to(ROOT).as_posix() in names, module


def test_the_sdist_carries_the_sources_of_the_package_data(dist: Path) -> None:
    with tarfile.open(_one(dist, "*.tar.gz")) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for name in DATA + SITE + LIBRARY + [f"mlsd_diagrams/{icon}" for icon in ICONS]:
        assert name in names, name


@pytest.fixture(scope="module", params=["wheel", "sdist"])
def installed(request: pytest.FixtureRequest, dist: Path, tmp_path_factory) -> Path:
    """A fresh virtualenv with the package installed from one artifact; its bin folder."""
    home = tmp_path_factory.mktemp(f"venv-{request.param}")
    venv.create(home, with_pip=True)
    artifact = _one(dist, "*.whl" if request.param == "wheel" else "*.tar.gz")
    subprocess.run(
        [home / "bin" / "python", "-m", "pip", "install", "--quiet", str(artifact)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return home / "bin"


def _mlsd(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [bin_dir / "mlsd", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"mlsd {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    return result


def test_a_new_user_goes_from_nothing_to_a_portfolio(installed: Path, tmp_path: Path) -> None:
    work = tmp_path / "empty"
    work.mkdir()
    _mlsd(installed, work, "new", "x")
    _mlsd(installed, work, "new", "y", "--from", "video-recommendation")
    assert (work / "designs" / "mlsd.schema.json").is_file()

    _mlsd(installed, work, "render", "designs/x.yaml")  # a bare skeleton, every format
    _mlsd(installed, work, "render", "designs/y.yaml")
    for name in ("y.png", "y.svg", "y.pdf", "y.dot", "y.md", "y.py", "y.gif", "y.excalidraw"):
        assert (work / "output" / "y" / name).stat().st_size > 0, name
    assert (work / "output" / "x" / "x.svg").is_file()

    _mlsd(installed, work, "build", "designs", "-o", "site")
    for name in ("index.html", "README.md", "assets/style.css", "assets/gallery.js"):
        assert (work / "site" / name).is_file(), name
    assert (work / "site" / "y" / "index.html").is_file()

    _mlsd(installed, work, "export-code", "designs/y.yaml", "-o", "code")
    script = work / "code" / "y" / "y.py"
    subprocess.run(
        [installed / "python", script.name, "svg"], cwd=script.parent, check=True, timeout=120
    )
    assert (script.parent / "y.svg").is_file()

    _mlsd(installed, work, "check", "designs/y.yaml")
    _mlsd(installed, work, "review", "designs/y.yaml")
    schema = _mlsd(installed, work, "schema").stdout
    assert '"components"' in schema
    assert "re-ranking" in _mlsd(installed, work, "kinds").stdout
    assert "lambda-vs-kappa" in _mlsd(installed, work, "tradeoffs").stdout


def test_the_bench_times_a_wheel_install_not_this_checkout(dist: Path, tmp_path: Path) -> None:
    """bench.py runs mlsd from a wheel installed into a virtualenv of its own (what users
    run), never the editable install's import hook nor the checkout of the folder it runs in."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench
    finally:
        sys.path.remove(str(ROOT / "bench"))
    python = bench.install_wheel(tmp_path, _one(dist, "*.whl"))
    bench.use_python(python)
    code = "import sys, mlsd_diagrams; print(mlsd_diagrams.__file__); print(sorted(sys.modules))"
    done = subprocess.run(
        [*bench.MLSD[:-2], "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    where, modules = done.stdout.splitlines()
    assert Path(where).is_relative_to(tmp_path / "venv")
    assert "editable" not in modules
    assert [python, "-P", "-m", "mlsd_diagrams"] == bench.MLSD
