"""Every chapter runs top to bottom in a fresh kernel within its time limit.

Executed notebooks go into the book's execution cache, so the book build that
follows (tests/test_book.py, `make book`) reuses them instead of running them again.
"""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "book"))
import build_book as book_build

CHAPTERS = book_build.chapters()


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_executes(path):
    nb, seconds = book_build.execute(path)
    print(f"{path.name}: {seconds:.1f} s")
    errors = [
        output
        for cell in nb.cells
        if cell.cell_type == "code" and "raises-exception" not in cell.metadata.get("tags", [])
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    assert not errors


def test_executed_notebook_matches_the_source_in_the_cache(tmp_path):
    """jupyter-book finds the tests' execution: executing must not change the cache key."""
    import nbformat
    from jupyter_cache import get_cache

    path = CHAPTERS[0]
    source = nbformat.read(path, as_version=4)
    executed, _ = book_build.execute(path, store=False)
    cache = get_cache(tmp_path / "cache")
    assert cache.create_hashed_notebook(executed)[1] == cache.create_hashed_notebook(source)[1]
