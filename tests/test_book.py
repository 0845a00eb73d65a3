"""The book builds offline into HTML with every chapter executed."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "book"))
import api_pages
import build_book as book_build


@pytest.mark.slow
def test_book_builds_with_executed_chapters(built_book):
    index = built_book
    html = index.parent
    assert index.exists()
    welcome = (html / "notebooks" / "00_welcome.html").read_text()
    assert "environment OK" in welcome, "chapter 00 was rendered without its executed output"
    for chapter in book_build.chapters():
        assert (html / "notebooks" / f"{chapter.stem}.html").exists(), chapter.name
    for note in sorted((ROOT / "docs").glob("*.md")):
        assert (html / "docs" / f"{note.stem}.html").exists(), f"design note {note.name}"
    api = "".join(p.read_text() for p in (html / "api").glob("*.html"))
    assert "check_environment" in api, "the API pages lost their autodoc content"
    for module in api_pages.package_modules():
        holders = [
            p.name
            for p in (html / "api").glob("*.html")
            if f'id="module-{module}"' in p.read_text()
        ]
        assert len(holders) == 1, f"{module} is documented on {holders or 'no'} built API page"
    cli = (html / "cli.html").read_text()
    for command in ("demo", "train", "evaluate", "inspect", "extract", "explain", "--debug"):
        assert command in cli, f"the command-line reference lacks {command}"
    bib = (html / "bibliography.html").read_text()
    assert "mutual information maximization joint with multi-task learning" in bib.lower()
