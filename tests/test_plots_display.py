"""Figures show as images in IPython whatever the backend, once, also inside widgets."""

from __future__ import annotations

import base64
import subprocess
import sys

import nbformat
import numpy as np
import pytest
from matplotlib.figure import Figure

from mimml_edu.plots.model import plot_padding_check
from mimml_edu.plots.style import figure_to_png, install_display_hook, new_figure

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    png = shell.display_formatter.formatters["image/png"]
    saved = dict(png.type_printers)
    png.type_printers.pop(Figure, None)
    yield shell
    png.type_printers.clear()
    png.type_printers.update(saved)


def _figure() -> Figure:
    return plot_padding_check([np.zeros(3), np.ones(3)], ["a", "b"])


def test_the_hook_gives_a_figure_an_image(shell):
    data, _ = shell.display_formatter.format(_figure())
    assert "image/png" not in data  # without the hook: only the text repr
    assert install_display_hook(shell)
    data, _ = shell.display_formatter.format(_figure())
    assert data["image/png"].startswith(PNG)
    assert data["text/plain"].startswith("<Figure size")


def test_the_hook_keeps_a_front_end_that_already_renders_figures(shell):
    svg = shell.display_formatter.formatters["image/svg+xml"]
    svg.for_type(Figure, lambda fig: "<svg/>")
    try:
        assert install_display_hook(shell)
        data, _ = shell.display_formatter.format(_figure())
        assert "image/png" not in data and data["image/svg+xml"] == "<svg/>"
    finally:
        svg.type_printers.pop(Figure)


def test_outside_ipython_the_hook_does_nothing():
    code = "import mimml_edu.plots.style as s; print(s.install_display_hook())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_png_bytes_are_reproducible_and_typed():
    assert figure_to_png(_figure()) == figure_to_png(_figure())
    fig = new_figure(2, 2)
    assert fig.get_size_inches().tolist() == [2, 2]
    with pytest.raises(TypeError, match="matplotlib Figure"):
        figure_to_png("not a figure")


def test_in_a_kernel_with_agg_a_figure_renders_once_also_inside_a_widget(monkeypatch):
    """A fresh kernel, MPLBACKEND=Agg, no %matplotlib inline: as the book executes chapters."""
    from nbclient import NotebookClient

    monkeypatch.setenv("MPLBACKEND", "Agg")
    cells = [
        "import numpy as np\nfrom mimml_edu.plots.model import plot_padding_check\n"
        "plot_padding_check([np.zeros(3), np.ones(3)], ['a', 'b'])",
        "import ipywidgets\nfrom IPython.display import display\nout = ipywidgets.Output()\n"
        "with out:\n    display(plot_padding_check([np.zeros(3)], ['a']))\nout",
        "from mimml_edu.widgets.base import figure_app\n"
        "figure_app(lambda n: plot_padding_check([np.arange(n)], ['a']),"
        " {'n': ipywidgets.IntSlider(value=3, min=2, max=5)})",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=False).execute()
    first, _, app = (c.outputs for c in nb.cells)
    assert len(first) == 1 and first[0].output_type == "execute_result"
    assert base64.b64decode(first[0].data["image/png"]).startswith(PNG)
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    captured = [m["state"]["outputs"] for m in state.values() if m["model_name"] == "OutputModel"]
    assert [sorted(o["data"]) for o in captured[0]] == [["image/png", "text/plain"]]
    bundle = app[0].data
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/png"]).startswith(PNG)
