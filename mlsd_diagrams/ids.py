"""The pattern of a design id (and of every id in a spec): it names the design's output
folder, so it is kept safe for a path. No pydantic here: a no-op build checks the ids of its
manifest with it without loading the typed model."""

from __future__ import annotations

ID_PATTERN = r"^[a-z][a-z0-9_-]{0,62}$"
