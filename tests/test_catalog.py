"""The catalog: every kind draws a real icon, and a typo gets a suggestion."""

from __future__ import annotations

import pytest
from PIL import Image

from mlsd_diagrams import catalog


@pytest.mark.parametrize("kind", catalog.kind_names())
def test_every_kind_resolves_to_an_icon_file(kind: str):
    ref = catalog.icon_ref(kind)
    assert not ref.startswith("/")
    path = catalog.icon_file(ref)
    assert path is not None, f"{kind}: icon {ref} not found"
    with Image.open(path) as image:
        assert image.format == "PNG" and min(image.size) >= 64


def test_kind_names_are_unique_and_kebab_case():
    names = catalog.kind_names()
    assert len(names) == len(set(names))
    assert all(name.replace("-", "").isalnum() and name.islower() for name in names)


def test_unknown_kind_suggests_the_closest():
    assert "did you mean 'vector-index'" in catalog.unknown_kind_message("vectr-index")
    assert "did you mean" not in catalog.unknown_kind_message("zzz")
