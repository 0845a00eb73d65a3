"""Numbers for a chapter's text: each one computed by a cell and glued into the prose.

A chapter never types a measured number by hand. A code cell computes it and calls
:func:`glue`; the markdown shows it with myst-nb's ``{glue:text}`` role, so the rendered
book always prints what the cell computed::

    glue("oracle_test", oracle["balanced_accuracy"])          # in a code cell
    The oracle scores {glue:text}`oracle_test` on the test split.   <- in the markdown

:func:`glue` writes the same output record as ``myst_nb.glue(name, value, display=False)``
(the value's text under ``application/papermill.record/text/plain``, with the
``scrapbook`` metadata myst-nb reads), so chapters need no myst-nb where they run
(Colab, a plain JupyterLab); outside IPython it only returns the text. The text is
formatted here, once, so the book shows exactly the digits the cell chose.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

__all__ = ["GLUE_PREFIX", "format_value", "glue", "glue_all"]

#: the mime-type prefix myst-nb reads glued values from (and JupyterLab does not render)
GLUE_PREFIX = "application/papermill.record/"


def format_value(value: object, fmt: str = ".3f") -> str:
    """The text a number is shown with in the prose.

    Args:
        value: a real number, an integer (shown whole, ``fmt`` ignored), a string (shown as
            is), or a ``(low, high)`` pair (shown as an interval ``[low, high]``).
        fmt: a format spec for real numbers, e.g. ``".3f"``; one ending in ``%`` shows the
            number as a percentage with a space before the sign (``".0%"``: 0.27 -> ``27 %``).
    Returns:
        the text.
    Raises:
        ValueError: for NaN or infinity (a number in the text must exist) and for a value
            of any other type.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, tuple) and len(value) == 2:
        return f"[{format_value(value[0], fmt)}, {format_value(value[1], fmt)}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"cannot glue {value!r} ({type(value).__name__}) into the text")
    if isinstance(value, numbers.Integral):
        return str(int(value))
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"cannot glue {number} into the text: the number is not finite")
    if fmt.endswith("%"):
        spec = fmt[:-1].rstrip() or ".0f"
        return f"{format(100 * number, spec.rstrip('f') + 'f')} %"
    text = format(number, fmt)
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def glue(name: str, value: object, fmt: str = ".3f") -> None:
    """Glue one value under ``name`` for the chapter's ``{glue:text}`name``` roles.

    The text is recorded as a hidden cell output under IPython (nothing is shown; a cell
    that ends with a glue call displays nothing either). :func:`format_value` gives the
    same text, to print it.

    Args:
        name: the key the markdown uses (letters, digits and ``_``; unique in the chapter).
        value, fmt: see :func:`format_value`.
    """
    if not name or not name.replace("_", "").isalnum():
        raise ValueError(f"glue name {name!r}: use letters, digits and underscores")
    text = format_value(value, fmt)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - the package always has IPython through ipywidgets
        return
    if get_ipython() is not None:
        display(
            {GLUE_PREFIX + "text/plain": repr(text)},
            raw=True,
            metadata={"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX}},
        )


def glue_all(values: Mapping[str, object], fmt: str = ".3f") -> None:
    """:func:`glue` every ``name -> value`` of ``values`` with one format."""
    for name, value in values.items():
        glue(name, value, fmt)
