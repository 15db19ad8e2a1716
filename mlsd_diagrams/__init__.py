"""mlsd-diagrams: diagram-as-code for machine-learning system design answers.

The pipeline, one module per stage: load → validate → graph → render → build.
The public API below is imported lazily, so `mlsd --help` does not pay for `diagrams`.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API = {
    "FORMATS": "formats",
    "Rendered": "staging",
    "load_design": "build",
    "render_design": "build",
    "render_file": "build",
    "MlsdError": "errors",
    "Problem": "errors",
    "RenderError": "errors",
    "SpecError": "errors",
    "UsageError": "errors",
    "Graph": "graph",
    "build_graph": "graph",
    "Design": "model",
    "json_schema": "model",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'mlsd_diagrams' has no attribute '{name}'")
    return getattr(importlib.import_module(f".{_API[name]}", __name__), name)
