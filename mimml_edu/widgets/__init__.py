"""Every ipywidgets app of mimml-edu, built one way (:mod:`~mimml_edu.widgets.base`).

Each app is a thin wrapper over a function of :mod:`mimml_edu.plots`, its static twin,
which the book shows; the live app is for Jupyter.

- :mod:`~mimml_edu.widgets.base`: :func:`~mimml_edu.widgets.base.figure_app` and the
  contract every app keeps.
- :mod:`~mimml_edu.widgets.data`: :func:`~mimml_edu.widgets.data.corpus_knobs` (chapter 02).
- :mod:`~mimml_edu.widgets.mi`: :func:`~mimml_edu.widgets.mi.mi_playground` (chapter 05).
- :mod:`~mimml_edu.widgets.explain`:
  :func:`~mimml_edu.widgets.explain.attribution_explorer` (chapter 09).

Submodules load on first attribute access (``mimml_edu.widgets.mi``).
"""

from __future__ import annotations

import importlib
from typing import Any

_SUBMODULES = frozenset({"base", "data", "explain", "mi"})

__all__ = sorted(_SUBMODULES)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
