"""The component-effect map of chapter 08, browsable: all regimes, or one regime's
differences with their intervals, as a difference to full MIMML or a gap to the oracle.

A thin wrapper over its static twin :func:`mimml_edu.plots.regimes.plot_component_map`.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from mimml_edu.plots.regimes import MEASURES, plot_component_map
from mimml_edu.widgets.base import FigureApp, figure_app

__all__ = ["regime_browser"]


def regime_browser(rows: Any, verdicts: Any = None) -> FigureApp:
    """A regime menu (``all`` first) and a measure switch over a measured map.

    Args:
        rows, verdicts: the map's tables, e.g. ``load_map().rows`` and ``.verdicts``.
    Returns:
        the app (a ``VBox``, see :mod:`mimml_edu.widgets.base`); it starts as
        ``plot_component_map(rows, verdicts)``, the figure the book shows.
    """
    records = rows.to_dict("records") if hasattr(rows, "to_dict") else list(rows)
    regimes = list(dict.fromkeys(r["regime"] for r in records))
    controls = {
        "regime": widgets.Dropdown(options=["all", *regimes], value="all", description="regime"),
        "measure": widgets.ToggleButtons(options=list(MEASURES), value=next(iter(MEASURES))),
    }
    return figure_app(
        plot_component_map,
        controls,
        rows=[["regime"], ["measure"]],
        fixed={"rows": records, "verdicts": verdicts},
    )
