"""Numbers in prose come from code.

Every measured number in a chapter's text is glued from a cell (``{glue:text}`name```,
written by :func:`mimml_edu.plots.prose.glue`) or shown as a cell output, never typed.
The scan below reads the markdown of every chapter, of the book's introduction and of the
README, leaves out what is exempt (glue and other roles, inline and fenced code, math,
link targets, directive options) and fails on every number that is left and looks measured:
a decimal number, a percentage, a multiple (``29x``) or a rate (``65 frames/s``), unless
it is one of the few constants of :data:`ALLOWED`, each with its reason.

A constant that is derived by a formula belongs in math (``$\\log 64 \\approx 4.16$``),
where the formula shows where it comes from.
"""

from __future__ import annotations

import json
import re
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "book"))
import build_book as book_build

#: The numbers prose may type, each with why it is not a measurement.
ALLOWED: dict[str, str] = {
    "0.5": "chance (AUROC, balanced accuracy), the decision threshold, a gate's midpoint",
    "95 %": "the level of every interval (a choice)",
    "84 %": "the MIMML paper's DAIC-WOZ accuracy, quoted from its abstract",
    "89 %": "the MIMML paper's CMD-Corpus accuracy, quoted from its abstract",
    "3.11": "the Python version the package requires (pyproject.toml's requires-python)",
}

_FENCE = re.compile(r"^(`{3,}|~{3,})([^\n]*)\n(.*?)^\1[ \t]*$", re.S | re.M)
_ROLE = re.compile(r"\{[\w:.+-]+\}(`+)(.+?)\1", re.S)
_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?=\S)[^$\n]+?(?<=\S)\$")
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
_OPTION = re.compile(r"^:[\w-]+:.*$", re.M)
_HTML = re.compile(r"<[^>\n]+>")
#: a number; group 2 is a unit that makes an integer a measurement too
_NUMBER = re.compile(
    r"(?<![\w.,/-])(\d+(?:\.\d+)?)"
    r"(\s?%|x(?![\w])|\s?(?:frames|turns|sessions|windows|steps)/s\b|\s?(?:ms|h|hours|[KMG]B)\b)?"
)


def prose(markdown: str) -> str:
    """The markdown without the parts where a number is exempt."""

    def fence(m: re.Match) -> str:  # a directive's body is prose; a code block is not
        return m.group(3) if m.group(2).strip().startswith("{") else " "

    text = _FENCE.sub(fence, markdown)
    for pattern in (_ROLE, _CODE, _DISPLAY_MATH, _INLINE_MATH, _LINK_TARGET, _OPTION, _HTML):
        text = pattern.sub(" ", text)
    return text


def typed_numbers(markdown: str) -> list[tuple[str, str]]:
    """(number as written, its context) for every number the prose types by hand."""
    text = prose(markdown)
    found = []
    for m in _NUMBER.finditer(text):
        number, unit = m.group(1), m.group(2)
        decimal = "." in number
        if not (decimal or unit):
            continue
        written = number + (unit or "").replace(" ", "") if not decimal else number
        key = f"{number} %" if unit and unit.strip() == "%" else number
        if key in ALLOWED or written in ALLOWED:
            continue
        context = " ".join(text[max(0, m.start() - 50) : m.end() + 20].split())
        found.append((m.group(0).strip(), context))
    return found


def _documents() -> list[tuple[str, list[tuple[str, str]]]]:
    """(name, [(where, markdown)]) for each chapter, the book's intro and the README."""
    docs = []
    for path in book_build.chapters():
        nb = json.loads(path.read_text())
        cells = [
            (f"cell {c.get('id', i)}", "".join(c["source"]))
            for i, c in enumerate(nb["cells"])
            if c["cell_type"] == "markdown"
        ]
        docs.append((path.name, cells))
    for path in (ROOT / "book" / "intro.md", ROOT / "README.md"):
        docs.append((str(path.relative_to(ROOT)), [("", path.read_text())]))
    return docs


DOCUMENTS = _documents()


@pytest.mark.parametrize("name, cells", DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_prose_types_no_measured_number(name, cells):
    typed = [f"{name} {where}: {n!r} in '...{ctx}...'" for where, md in cells
             for n, ctx in typed_numbers(md)]  # fmt: skip
    assert not typed, (
        "numbers typed by hand (glue them from a cell with mimml_edu.plots.prose.glue, or "
        "put a derived constant in math):\n" + "\n".join(typed)
    )


@pytest.mark.parametrize(
    "markdown, expected",
    [
        ("balanced accuracy 0.825 on 107 sessions", ["0.825"]),
        ("audio at 29x real time and 65 frames/s, 27 % of cases", ["29x", "65 frames/s", "27 %"]),
        ("a step takes 4 ms, the corpus 13 h", ["4 ms", "13 h"]),
        ("{glue:text}`oracle_test` and {glue:text}`x:.3f` and {cite}`liu2025mimml`", []),
        ("`0.825` in code, $\\log 64 \\approx 4.16$ in math, $$I = 2.5$$", []),
        ("```\npython bench/x.py --lr 0.001\n```\nthen 0.7", ["0.7"]),
        ("```{admonition} Note\n:class: note\nit scored 0.93\n```", ["0.93"]),
        ("chance is 0.5; 95 % intervals; the paper's 84 %", []),
        ("[a link](../docs/data-1.2.md) to 640x480 video, 4x4 matrix, 189 sessions", []),
        ("the 3-6 misclassified, sessions 1-2", []),
    ],
)
def test_the_scan_catches_typed_numbers_and_nothing_exempt(markdown, expected):
    assert [n for n, _ in typed_numbers(markdown)] == expected


def test_every_allowed_constant_has_a_reason():
    assert ALLOWED and all(len(reason) > 20 for reason in ALLOWED.values())
