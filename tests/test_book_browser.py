"""The built book, copied to another folder and opened from disk with the network blocked.

Every page loads without a console error, links and images resolve, math is typeset by the
book's own MathJax, and each chapter page shows its figures as images. The book is the one
tests/test_book.py built (the ``built_book`` fixture); screenshots of the chapter pages
are saved under the test's temporary folder and their paths printed on failure.
"""

from __future__ import annotations

import functools
import re
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import browser
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT

pytestmark = pytest.mark.slow

#: attributes that load a resource into the page
RESOURCE_ATTRIBUTES = {
    "script": "src",
    "link": "href",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
}
CSS_URL = re.compile(r"""(?:@import\s+|url\()\s*['"]?((?:https?:)?//[^'")\s]+)""")
FIGURE_TEXT = re.compile(r"<Figure size \d+x\d+ with \d+ Axes>")


def is_remote(url: str) -> bool:
    return bool(urlsplit(url).scheme in ("http", "https") or url.startswith("//"))


@pytest.fixture(scope="module")
def book(built_book, tmp_path_factory) -> Path:
    """A copy of the built HTML in a folder of its own (paths must not matter)."""
    folder = tmp_path_factory.mktemp("offline") / "book"
    shutil.copytree(built_book.parent, folder)
    return folder


def pages(folder: Path) -> list[Path]:
    """Every HTML page of the book (theme templates under _static are not pages)."""
    return sorted(p for p in folder.rglob("*.html") if not {"_static", "_sources"} & set(p.parts))


@functools.cache
def soup(path: Path) -> BeautifulSoup:
    """The parsed page (parsed once for all the tests of this module)."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_no_page_loads_anything_from_another_host(book):
    remote = []
    for page in pages(book):
        for tag in soup(page).find_all(RESOURCE_ATTRIBUTES):
            url = tag.get(RESOURCE_ATTRIBUTES[tag.name]) or ""
            if tag.name == "link" and "stylesheet" not in (tag.get("rel") or []):
                if not {"preload", "icon", "modulepreload"} & set(tag.get("rel") or []):
                    continue
            if is_remote(url):
                remote.append(f"{page.relative_to(book)}: <{tag.name}> {url}")
    for css in book.rglob("*.css"):
        remote += [f"{css.relative_to(book)}: {u}" for u in CSS_URL.findall(css.read_text())]
    assert not remote, "resources from another host:\n" + "\n".join(remote[:40])


def test_no_page_holds_a_path_of_the_build_machine(book):
    machine = {str(ROOT), sys.prefix, str(Path(sys.executable).parent)}
    machine |= {f"{tempfile.gettempdir()}/", f"{Path.home()}/"}
    machine = {m for m in machine if len(m.strip("/")) > 3}
    found = []
    for path in [*pages(book), book / "searchindex.js"]:
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(book)}: {m}" for m in sorted(machine) if m in text]
    assert not found, "build-machine paths in the book:\n" + "\n".join(found[:40])


def test_internal_links_and_images_resolve(book):
    @functools.cache
    def ids_of(page: Path) -> set[str]:
        return {tag["id"] for tag in soup(page).find_all(id=True)}

    broken = []
    for page in pages(book):
        document = soup(page)
        targets = [("a", a.get("href")) for a in document.find_all("a", href=True)]
        targets += [("img", img.get("src")) for img in document.find_all("img", src=True)]
        for kind, url in targets:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//") or url.startswith("mailto:"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file():
                broken.append(f"{page.relative_to(book)}: <{kind}> {url} (no such file)")
            elif kind == "a" and parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in ids_of(target):
                    broken.append(f"{page.relative_to(book)}: {url} (no such anchor)")
    assert not broken, "broken internal links or images:\n" + "\n".join(broken[:40])


def expected_figures(chapter: Path) -> int:
    """How many image outputs the executed chapter holds (the book must show each)."""
    import build_book

    nb = build_book.cached_notebook(chapter)
    hidden = {"remove-output", "remove-cell"}
    return sum(
        1
        for cell in nb.cells
        if cell.cell_type == "code" and not hidden & set(cell.metadata.get("tags", []))
        for output in cell.get("outputs", [])
        if {"image/png", "image/svg+xml", "image/jpeg"} & set(output.get("data", {}))
    )


MATH_DONE = """
const done = arguments[arguments.length - 1];
if (!document.querySelector('.math')) { done('no math'); return; }
const wait = (tries) => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    MathJax.startup.promise.then(() => done('typeset'), (e) => done('error: ' + e));
  } else if (tries > 0) { setTimeout(() => wait(tries - 1), 100); }
  else { done('MathJax did not load'); }
};
wait(100);
"""
RAW_MATH = """
return Array.from(document.querySelectorAll('span.math, div.math'))
  .filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 60));
"""
BROKEN_IMAGES = """
return Array.from(document.images)
  .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'));
"""
OUTPUT_IMAGES = """
return Array.from(document.querySelectorAll('.cell_output img'))
  .filter(i => i.complete && i.naturalWidth > 0).length;
"""


def test_every_page_renders_offline_in_chromium(book, tmp_path):
    import build_book

    chapters = {f"notebooks/{p.stem}.html": p for p in build_book.chapters()}
    problems, shots = [], []
    with browser.chromium(tmp_path / "profile") as driver:
        driver.get("data:text/html,<title>network check</title>")
        assert browser.fetch_fails(driver, "https://pypi.org/simple/"), (
            "the browser reached the network: the block does not work"
        )
        browser.console_errors(driver)  # the failed fetch above is expected
        # from here on the browser is as a new reader's: nothing stored for the book yet
        for page in pages(book):
            name = page.relative_to(book).as_posix()
            driver.get(page.as_uri())
            math = driver.execute_async_script(MATH_DONE)
            found = []
            if math not in ("no math", "typeset"):
                found.append(f"math: {math}")
            elif math == "typeset" and (raw := driver.execute_script(RAW_MATH)):
                found.append(f"raw TeX left: {raw[:3]}")
            if broken := driver.execute_script(BROKEN_IMAGES):
                found.append(f"images that did not load: {broken[:5]}")
            if errors := browser.console_errors(driver):
                found.append(f"console errors: {errors[:5]}")
            if name in chapters:
                shots.append(browser.screenshot(driver, tmp_path / "shots" / f"{page.stem}.png"))
                shown = driver.execute_script(OUTPUT_IMAGES)
                wanted = expected_figures(chapters[name])
                if shown < wanted:
                    found.append(f"{shown} figure images shown, the chapter made {wanted}")
                text = driver.find_element("tag name", "body").text
                if FIGURE_TEXT.search(text) or "VBox(" in text:
                    found.append("a figure or widget shows as text")
            if found:
                shot = browser.screenshot(driver, tmp_path / "failed" / f"{page.stem}.png")
                problems.append(f"{name}: {'; '.join(found)} (screenshot {shot})")
    print("chapter screenshots:\n" + "\n".join(map(str, shots)))
    assert not problems, "pages that do not render offline:\n" + "\n".join(problems)
