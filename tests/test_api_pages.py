"""Every module of mimml_edu is documented on exactly one API page, and the pages are current."""

from __future__ import annotations

import itertools
import re
import sys

import pytest
import yaml
from conftest import ROOT
from markdown_it import MarkdownIt

sys.path.insert(0, str(ROOT / "book"))
import api_pages

DIRECTIVE = re.compile(r"^\.\. automodule:: (\S+)\s*$", re.MULTILINE)


def documented() -> dict[str, list[str]]:
    """module -> the API pages whose eval-rst blocks hold its automodule directive."""
    found: dict[str, list[str]] = {}
    for page in sorted(api_pages.API_DIR.glob("*.md")):
        for token in MarkdownIt("commonmark").parse(page.read_text()):
            if token.type == "fence" and token.info.strip() == "{eval-rst}":
                for module in DIRECTIVE.findall(token.content):
                    found.setdefault(module, []).append(page.name)
    return found


@pytest.fixture(scope="module")
def modules() -> list[str]:
    return api_pages.package_modules()


def test_every_module_is_on_exactly_one_page(modules):
    pages = documented()
    missing = sorted(set(modules) - set(pages))
    assert not missing, f"modules without an API page: {missing}; run python book/api_pages.py"
    twice = {m: p for m, p in pages.items() if len(p) > 1}
    assert not twice, f"modules on more than one API page: {twice}"
    gone = sorted(set(pages) - set(modules))
    assert not gone, f"API pages document modules that do not exist: {gone}"


def test_pages_are_current(modules):
    stale = api_pages.stale_pages(api_pages.render(modules))
    assert not stale, f"API pages out of date: {stale}; run python book/api_pages.py"


def test_each_module_has_its_own_heading(modules):
    """No stray fence swallows a section: each module's heading is a real heading."""
    headings = set()
    for page in api_pages.API_DIR.glob("*.md"):
        tokens = MarkdownIt("commonmark").parse(page.read_text())
        for opening, inline in itertools.pairwise(tokens):
            if opening.type == "heading_open":
                headings.add(inline.content.strip("`"))
    assert set(modules) <= headings


def test_every_module_has_an_area_and_areas_do_not_overlap(modules):
    by_area = {}
    for module in modules:
        by_area.setdefault(api_pages.area_of(module).slug, []).append(module)
    assert by_area["core"][0] == "mimml_edu"
    assert "mimml_edu.cli" in by_area["commands"]
    slugs = [area.slug for area in api_pages.AREAS]
    assert len(slugs) == len(set(slugs))


def test_a_module_outside_every_area_is_refused():
    with pytest.raises(SystemExit, match=r"mimml_edu_other\.thing: no API area matches it"):
        api_pages.area_of("mimml_edu_other.thing")


def test_a_new_module_lands_on_its_area_page(modules):
    pages = api_pages.render([*modules, "mimml_edu.data.brand_new"])
    data_page = next(text for path, text in pages.items() if path.name.endswith("_data.md"))
    directive = ".. automodule:: mimml_edu.data.brand_new\n   :members:\n   :ignore-module-all:"
    assert directive in data_page


def test_the_toc_lists_the_index_and_every_area_page():
    toc = yaml.safe_load((ROOT / "book" / "_toc.yml").read_text())
    reference = next(part for part in toc["parts"] if part["caption"] == "Reference")
    api = next(entry for entry in reference["chapters"] if entry.get("file") == "api")
    assert api["sections"] == [{"glob": "api/*"}]
    assert any(entry.get("file") == "cli" for entry in reference["chapters"])
    index = api_pages.INDEX.read_text()
    for page in api_pages.API_DIR.glob("*.md"):
        assert f"(api/{page.name})" in index, page.name
