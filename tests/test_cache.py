"""The disk cache's key for this package's code (cache.py): the hash of the files' contents,
read back from the cache when the files are the ones it was computed for."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from mlsd_diagrams import cache


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MLSD_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "pkg"
    (folder / "render").mkdir(parents=True)
    (folder / "__init__.py").write_text("A = 1\n")
    (folder / "render" / "dot.py").write_text("B = 2\n")
    (folder / "notes.txt").write_text("not code\n")
    return folder


def content_hash(package: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def test_the_code_hash_is_the_hash_of_the_files_contents(package):
    assert cache.code_hash(package) == content_hash(package)
    assert cache.code_hash(package) == content_hash(package)  # read back: the same


def test_the_code_hash_is_read_back_without_reading_the_files(package, monkeypatch):
    first = cache.code_hash(package)
    read: list[Path] = []
    original = Path.read_bytes

    def reading(path: Path) -> bytes:
        read.append(path)
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", reading)
    assert cache.code_hash(package) == first
    assert not [path for path in read if path.suffix == ".py"]


def test_an_edited_file_gives_another_hash(package):
    first = cache.code_hash(package)
    edited = package / "render" / "dot.py"
    stat = edited.stat()
    edited.write_text("B = 3\n")  # the same size: only its time tells
    os.utime(edited, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert cache.code_hash(package) == content_hash(package) != first
    (package / "new.py").write_text("")
    assert cache.code_hash(package) == content_hash(package)


def test_a_damaged_entry_is_not_believed(package):
    first = cache.code_hash(package)
    (entry,) = (package.parent / "cache" / "code").iterdir()
    for damaged in (b"not a hash", b"0" * 63, b"A" * 64, b""):
        entry.write_bytes(damaged)
        assert cache.code_hash(package) == first
    assert entry.read_bytes() == first.encode()


def test_the_package_version_is_its_code_hash():
    package = Path(cache.__file__).resolve().parent
    assert cache.code_version() == content_hash(package)
