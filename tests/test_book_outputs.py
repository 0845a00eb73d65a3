"""No executed chapter shows a figure or a widget as its text repr instead of an image.

A ``text/plain`` output such as ``<Figure size 900x548 with 2 Axes>`` or ``VBox(...)`` is
what a reader sees when a figure was not rendered or a widget has no static twin. The
executed chapters are the ones in the book's execution cache (see ``book/build_book.py``),
exactly what the book renders.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow

#: reprs of an object that should have been shown as an image
FIGURE_OR_WIDGET = re.compile(
    r"<(?:matplotlib\.figure\.)?Figure size [\d.]+x[\d.]+ with \d+ Axes>"
    r"|^(?:VBox|HBox|Box|GridBox|Tab|Accordion|Stack|AppLayout|GridspecLayout|Output|Image"
    r"|interactive|Play)\("
    r"|<ipywidgets\.|<matplotlib\.(?:figure|axes)\.",
    re.MULTILINE,
)
IMAGES = {"image/png", "image/svg+xml", "image/jpeg", "image/gif"}


def repr_without_image(nb) -> list[str]:
    """``cell N: text`` for every output whose text is a figure/widget repr with no image."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            text = data.get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            if FIGURE_OR_WIDGET.search(text) and not IMAGES & set(data):
                found.append(f"cell {index}: {text.strip()[:80]!r}")
    return found


def test_the_check_finds_a_bare_figure_and_a_bare_widget():
    import nbformat

    nb = nbformat.v4.new_notebook()
    outputs = [
        {"text/plain": "<Figure size 900x548 with 2 Axes>"},
        {"text/plain": "VBox(children=(Dropdown(options=('a',), value='a'),))"},
        {"text/plain": "<Figure size 640x480 with 1 Axes>", "image/png": "iVBOR"},
        {"text/plain": "Output()"},
        {"text/plain": "array([1, 2])"},
    ]
    nb.cells = [
        nbformat.v4.new_code_cell(
            "x", outputs=[nbformat.v4.new_output("execute_result", data=d) for d in outputs]
        )
    ]
    assert len(repr_without_image(nb)) == 3


def test_no_chapter_shows_a_figure_or_widget_as_text(executed_chapters):
    import build_book

    bad = {}
    for path in executed_chapters:
        found = repr_without_image(build_book.cached_notebook(path))
        if found:
            bad[path.name] = found
    assert not bad, "figures or widgets shown as text, not as images:\n" + "\n".join(
        f"{name}: {', '.join(items)}" for name, items in bad.items()
    )


def test_widget_outputs_keep_their_figure_and_no_widget_state():
    """build_book.static_widgets: the app's figure PNG replaces the widget view."""
    import sys

    import nbformat
    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "book"))
    import build_book

    view = "application/vnd.jupyter.widget-view+json"
    state = {
        "app": {
            "model_name": "VBoxModel",
            "state": {"children": ["IPY_MODEL_row", "IPY_MODEL_img"]},
        },
        "row": {"model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_slider"]}},
        "slider": {"model_name": "IntSliderModel", "state": {}},
        "img": {
            "model_name": "ImageModel",
            "state": {"_dom_classes": ["mimml-widget-figure"]},
            "buffers": [{"path": ["value"], "encoding": "base64", "data": "iVBORw0KGgo="}],
        },
        "bare": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_slider"]}},
    }
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {build_book.WIDGET_STATE: {"state": state}}
    nb.cells = [
        nbformat.v4.new_code_cell(
            "app",
            outputs=[
                nbformat.v4.new_output(
                    "execute_result", data={"text/plain": "VBox()", view: {"model_id": m}}
                )
                for m in ("app", "bare")
            ],
        )
    ]
    assert build_book.static_widgets(nb) == 1
    with_figure, without = (o["data"] for o in nb.cells[0].outputs)
    assert with_figure == {"text/plain": "VBox()", "image/png": "iVBORw0KGgo="}
    assert without == {"text/plain": "VBox()"}
    assert "widgets" not in nb.metadata
    assert len(repr_without_image(nb)) == 1
