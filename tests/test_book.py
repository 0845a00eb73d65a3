"""The book builds offline into HTML with every chapter executed."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "book"))
import build_book as book_build


@pytest.mark.slow
def test_book_builds_with_executed_chapters():
    index = book_build.build_html()
    html = index.parent
    assert index.exists()
    welcome = (html / "notebooks" / "00_welcome.html").read_text()
    assert "environment OK" in welcome, "chapter 00 was rendered without its executed output"
    for chapter in book_build.chapters():
        assert (html / "notebooks" / f"{chapter.stem}.html").exists(), chapter.name
    for note in sorted((ROOT / "docs").glob("*.md")):
        assert (html / "docs" / f"{note.stem}.html").exists(), f"design note {note.name}"
    api = (html / "api.html").read_text()
    assert "check_environment" in api, "the API page lost its autodoc content"
    bib = (html / "bibliography.html").read_text()
    assert "mutual information maximization joint with multi-task learning" in bib.lower()
