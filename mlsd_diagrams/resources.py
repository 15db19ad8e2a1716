"""Where the package's own files are, however it was installed (wheel, sdist or `-e`).

The templates and the case library are kept at the top of the repository and shipped in
the package as `mlsd_diagrams.templates` and `mlsd_diagrams.designs` (see pyproject.toml);
`importlib.resources` finds them in site-packages as well as in a source checkout.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _folder(package: str) -> Path:
    root = resources.files(package)
    if not isinstance(root, Path):  # e.g. imported from a zip: jinja needs real files
        raise ImportError(f"{package} must be installed as files, not inside an archive")
    return root


TEMPLATES_DIR = _folder("mlsd_diagrams.templates")
LIBRARY_DIR = _folder("mlsd_diagrams.designs")
