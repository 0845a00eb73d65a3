"""Test-suite set-up: offline by construction, notebooks last, headless plotting."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NETBLOCK = Path(__file__).resolve().parent / "netblock"

# Child processes (Jupyter kernels, CLI runs, the book build) inherit the block through
# PYTHONPATH; this process installs it directly.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(NETBLOCK), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
)
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
# This checkout's package wins over any other installed copy (e.g. an editable install
# of a sibling worktree sharing the same virtual environment).
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(NETBLOCK))
import sitecustomize as _netblock  # noqa: E402

_netblock.install()
sys.path.remove(str(NETBLOCK))

# Slow groups run after the unit tests, in this order: the notebooks (they fill the book's
# execution cache), the checks of their outputs, the book build (reusing the cache), the
# built book in a browser, the widgets in JupyterLab, the installed wheel.
_ORDER = {
    "test_notebooks.py": 1,
    "test_book_outputs.py": 2,
    "test_book.py": 3,
    "test_book_browser.py": 4,
    "test_lab_widgets.py": 5,
    "test_wheel_install.py": 6,
}


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: _ORDER.get(Path(str(item.fspath)).name, 0))


@pytest.fixture(scope="session")
def executed_chapters():
    """Every chapter executed into the book's cache (the notebook tests normally did it)."""
    sys.path.insert(0, str(ROOT / "book"))
    import build_book

    build_book.execute_missing()
    return build_book.chapters()


@pytest.fixture(scope="session")
def built_book(executed_chapters) -> Path:
    """The HTML book, built once per session from the cache; its index.html."""
    import build_book

    return build_book.build_html()


@pytest.fixture
def one_thread():
    """One torch thread for the test (small tensors: faster than two on a 2-core machine)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
