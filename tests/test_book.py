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


@pytest.mark.slow
def test_glued_numbers_are_rendered(built_book):
    """Every {glue:text} role became its value: none is left as text, and a number read from
    bench/results by a chapter appears in the page as the file holds it."""
    import json
    import re

    from mimml_edu import results

    pages = built_book.parent / "notebooks"
    for chapter in book_build.chapters():
        page = (pages / f"{chapter.stem}.html").read_text()
        assert "{glue" not in page, f"{chapter.name}: a glue role was not rendered"
        roles = sum(
            len(re.findall(r"\{glue:text\}`", "".join(c["source"])))
            for c in json.loads(chapter.read_text())["cells"]
            if c["cell_type"] == "markdown"
        )
        assert page.count('class="pasted-text"') >= roles, f"{chapter.name}: a value is missing"
    speed = results.table("features.csv").value("value", what="audio, whole recording")
    page = (pages / "03_features.html").read_text()
    assert f'<span class="pasted-text">{speed:.1f}</span>x real time' in page
