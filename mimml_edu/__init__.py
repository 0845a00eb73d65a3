"""mimml-edu: learn multimodal depression recognition by building MIMML.

MIMML is "mutual-information maximization joint with multi-task learning"
(Liu et al., IEEE TBME 2025). This package is a compact, readable reconstruction
of it for teaching; it is educational software, **not a diagnostic tool**.

Importing the package is cheap: torch, captum, librosa, mediapipe and transformers
are imported only by the submodules that need them. Submodules are loaded on first
attribute access, for example ``mimml_edu.envcheck``.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

DISCLAIMER = (
    "mimml-edu is educational software for learning multimodal machine learning. "
    "It is not a medical device and must not be used to screen, diagnose or "
    "monitor depression in anyone."
)

# Submodules reachable as attributes (``mimml_edu.data``) without importing them up front.
_SUBMODULES = frozenset(
    {
        "cli",
        "config",
        "data",
        "envcheck",
        "evaluate",
        "exercises",
        "explain",
        "features",
        "model",
        "objectives",
        "plots",
        "train",
        "widgets",
    }
)

__all__ = ["DISCLAIMER", "__version__", *sorted(_SUBMODULES)]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
