"""One way to build every widget of mimml-edu: standard controls and a ``plots/`` figure.

An app is built by :func:`figure_app` from a plotting function (its static twin, the figure
the book shows) and a set of controls; the figure is rendered to PNG and shown in an
``ipywidgets.Image``, and drawn again whenever a control changes.

The contract every app keeps (front-end tests of the book rely on it):

- the app is an ``ipywidgets.VBox`` carrying the CSS class ``mimml-widget``;
- its figure is an ``ipywidgets.Image`` with ``format="png"`` carrying the CSS class
  ``mimml-widget-figure`` (one per app), inside the app;
- every control is a standard ipywidgets value control (``Dropdown``, ``IntSlider``,
  ``FloatSlider``, ``ToggleButtons``, ``Checkbox``, ...) inside the app, directly or in an
  ``HBox`` row; there are no buttons to press;
- changing any control changes the PNG bytes of that Image (each control changes what is
  drawn); a setting the plotting function rejects leaves the figure as it was and shows the
  message in the app's status line;
- the initial PNG is :func:`~mimml_edu.plots.style.figure_to_png` of the static twin at the
  controls' initial values.

For Python use an app also carries ``controls`` (name -> control), ``image``, ``status``,
``state`` (the settings of the figure shown), ``figure`` (the Figure shown) and ``png``.
Figures already drawn are kept (least recently used first out), so going back to a setting
is immediate; widgets whose figures share a slow computation cache it as well.
A displayed app also carries its PNG as ``image/png``, so a page rendered without a live
kernel still shows the figure.
"""

from __future__ import annotations

import base64
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
from matplotlib.figure import Figure

from mimml_edu.errors import MimmlError
from mimml_edu.plots.style import figure_to_png

__all__ = ["APP_CLASS", "FIGURE_CLASS", "FigureApp", "figure_app"]

APP_CLASS = "mimml-widget"
FIGURE_CLASS = "mimml-widget-figure"
_NOT_CONTROLS = (widgets.Button, widgets.Label, widgets.HTML, widgets.HTMLMath, widgets.Image)


class FigureApp(widgets.VBox):
    """Controls above the PNG of ``plot_fn(**fixed, **values of the controls)``.

    Build it with :func:`figure_app`.
    """

    def __init__(
        self,
        plot_fn: Callable[..., Figure],
        controls: Mapping[str, widgets.ValueWidget],
        *,
        rows: Sequence[Sequence[str]] | None = None,
        fixed: Mapping[str, Any] | None = None,
        cache_size: int = 16,
    ) -> None:
        _check_controls(controls, rows)
        if cache_size < 1:
            raise ValueError(f"cache_size must be >= 1, got {cache_size}")
        self.plot_fn, self.fixed = plot_fn, dict(fixed or {})
        self.controls = dict(controls)
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.image.add_class(FIGURE_CLASS)
        self.status = widgets.Label()
        self._cache: OrderedDict[tuple, tuple[Figure, bytes]] = OrderedDict()
        self._cache_size = cache_size
        lines = [[name] for name in self.controls] if rows is None else rows
        boxes = [
            self.controls[r[0]] if len(r) == 1 else widgets.HBox([self.controls[n] for n in r])
            for r in lines
        ]
        super().__init__(children=[*boxes, self.status, self.image])
        self.add_class(APP_CLASS)
        self.state: dict[str, Any] = {}
        self.figure: Figure | None = None
        self.png = b""
        self.render(raise_errors=True)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")

    def values(self) -> dict[str, Any]:
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def render(self, *, raise_errors: bool = False) -> None:
        """Draw the figure for the controls' current values (cached per setting)."""
        state = self.values()
        key = tuple(state.items())
        if key in self._cache:
            self._cache.move_to_end(key)
        else:
            self.status.value = "drawing…"
            try:
                fig = self.plot_fn(**self.fixed, **state)
            except (MimmlError, ValueError) as err:
                if raise_errors:
                    raise
                self.status.value = f"cannot draw this setting: {err}"
                return
            if not isinstance(fig, Figure):
                raise TypeError(f"{self.plot_fn!r} returned {type(fig).__name__}, not a Figure")
            self._cache[key] = (fig, figure_to_png(fig))
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        self.figure, self.png = self._cache[key]
        self.state = state
        self.image.value = self.png
        self.status.value = ""

    def _on_change(self, _change: Mapping[str, Any]) -> None:
        self.render()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None and self.png:
            data["image/png"] = base64.b64encode(self.png).decode("ascii")
        return data


def figure_app(
    plot_fn: Callable[..., Figure],
    controls: Mapping[str, widgets.ValueWidget],
    *,
    rows: Sequence[Sequence[str]] | None = None,
    fixed: Mapping[str, Any] | None = None,
    cache_size: int = 16,
) -> FigureApp:
    """An app that shows ``plot_fn(**fixed, **{name: control.value})`` and follows the controls.

    Args:
        plot_fn: the static twin; returns a Figure; may raise ``ValueError`` (or a
            :class:`~mimml_edu.errors.MimmlError`) for a setting it rejects.
        controls: keyword of ``plot_fn`` -> a standard ipywidgets value control.
        rows: control names per row, each row laid out side by side (default: one a row;
            every control exactly once).
        fixed: keyword arguments passed unchanged to every call.
        cache_size: how many drawn settings to keep.
    Returns:
        the :class:`FigureApp` (a ``VBox``; see the contract in this module's docstring).
    """
    return FigureApp(plot_fn, controls, rows=rows, fixed=fixed, cache_size=cache_size)


def _check_controls(
    controls: Mapping[str, widgets.ValueWidget], rows: Sequence[Sequence[str]] | None
) -> None:
    if not controls:
        raise ValueError("a widget needs at least one control")
    for name, control in controls.items():
        standard = type(control).__module__.startswith("ipywidgets.")
        if not (isinstance(control, widgets.ValueWidget) and standard) or isinstance(
            control, _NOT_CONTROLS
        ):
            raise TypeError(
                f"control {name!r} is a {type(control).__name__}: use a standard ipywidgets "
                "value control (Dropdown, IntSlider, FloatSlider, ToggleButtons, Checkbox, ...)"
            )
    if rows is not None:
        placed = [name for row in rows for name in row]
        if sorted(placed) != sorted(controls) or any(not row for row in rows):
            raise ValueError(
                f"rows must place every control exactly once: rows {placed}, "
                f"controls {list(controls)}"
            )
