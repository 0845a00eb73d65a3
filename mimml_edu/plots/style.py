"""One look for every figure, and the display set-up that makes figures show as images.

- :data:`MODALITY_COLORS`: one colour per modality (text, audio, video), used by every
  figure that draws a modality; :data:`CLASS_COLORS` and :data:`CLASS_NAMES` for the two
  classes (not depressed / depressed); one colour each for participant turns, true signal
  turns and absent data.
- :func:`new_figure`: a :class:`matplotlib.figure.Figure` built with the object-oriented
  API (not pyplot), so a figure is never registered with pyplot: it is not shown twice
  under the inline backend and not kept alive after the caller drops it.
- :func:`figure_to_png`: the PNG bytes of a figure, the one rendering the notebook display,
  the widgets and their tests share.
- :func:`install_display_hook`: under IPython (Jupyter, Colab, the book's executor), shows
  a returned ``Figure`` as ``image/png`` whatever the matplotlib backend (also with
  ``MPLBACKEND=Agg`` and no ``%matplotlib inline``). Importing :mod:`mimml_edu.plots`
  calls it once.
"""

from __future__ import annotations

import io
from typing import Any

from matplotlib.figure import Figure

__all__ = [
    "CLASS_COLORS",
    "CLASS_NAMES",
    "MISSING_COLOR",
    "MODALITY_COLORS",
    "PARTICIPANT_COLOR",
    "PNG_DPI",
    "SIGNAL_COLOR",
    "figure_to_png",
    "install_display_hook",
    "new_figure",
]

#: one colour per modality, in every figure of the package
MODALITY_COLORS: dict[str, str] = {"text": "#4C72B0", "audio": "#DD8452", "video": "#55A868"}
#: label 0 / 1
CLASS_COLORS: dict[int, str] = {0: "#4C72B0", 1: "#C44E52"}
CLASS_NAMES: dict[int, str] = {0: "not depressed", 1: "depressed"}
#: the participant's turns on a time axis, the true signal turns, absent data
PARTICIPANT_COLOR = "#8172B2"
SIGNAL_COLOR = "gold"
MISSING_COLOR = "0.85"
#: resolution of the PNG a notebook or a widget shows
PNG_DPI = 100
#: the image formats a notebook front end may already render a Figure in
_IMAGE_FORMATS = ("image/png", "image/svg+xml", "image/jpeg", "application/pdf")


def new_figure(width: float, height: float, **kwargs: Any) -> Figure:
    """A constrained-layout Figure of ``width`` x ``height`` inches, outside pyplot.

    Args:
        width, height: size in inches.  kwargs: passed to :class:`~matplotlib.figure.Figure`.
    Returns:
        the Figure (draw with ``fig.subplots()`` / ``fig.add_subplot()``).
    """
    kwargs.setdefault("layout", "constrained")
    return Figure(figsize=(width, height), **kwargs)


def figure_to_png(fig: Figure, *, dpi: int = PNG_DPI) -> bytes:
    """Render a figure to PNG bytes (no backend or display needed).

    Args:
        fig: the figure.  dpi: dots per inch.
    Returns:
        the PNG file's bytes; the same figure gives the same bytes.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"figure_to_png needs a matplotlib Figure, got {type(fig).__name__}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def _png_formatter(fig: Figure) -> bytes | None:
    if not fig.axes and not fig.texts and not fig.images:
        return None  # an empty figure: leave the text repr alone
    return figure_to_png(fig)


def install_display_hook(shell: Any = None) -> bool:
    """Show Figures as ``image/png`` in IPython, whatever the matplotlib backend.

    A front end that already renders Figures (``%matplotlib inline`` with its own formats,
    for instance svg) is left as it is; ``%matplotlib inline`` run later replaces this hook
    with its own, which renders too.

    Args:
        shell: the IPython shell (default: the running one).
    Returns:
        True when a Figure now has an image formatter; False outside IPython.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython ships with Jupyter
            return False
        shell = get_ipython()
    if shell is None or getattr(shell, "display_formatter", None) is None:
        return False
    formatters = shell.display_formatter.formatters
    if any(Figure in formatters[f] for f in _IMAGE_FORMATS if f in formatters):
        return True
    formatters["image/png"].for_type(Figure, _png_formatter)
    return True
