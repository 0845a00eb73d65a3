"""The design notes in docs/: every citation of a note resolves, every note is in the book.

Also: the constants the notes quote (the defaults table of ``docs/reconstruction.md``,
the config keys they name, the arithmetic of the note on the paper's 84 %) match the
code, and the modules they name exist.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

DOCS = ROOT / "docs"
#: Where citations of design notes are looked for.
SCANNED = ("mimml_edu", "notebooks", "book", "bench", "data_samples", "docs")
SCANNED_FILES = ("README.md", "CONTRIBUTING.md")
TEXT_SUFFIXES = {".py", ".ipynb", ".md", ".yml", ".yaml", ".toml", ".cfg", ".txt", ".rst"}
SKIPPED_PARTS = {"_build", "__pycache__", ".ipynb_checkpoints"}

#: Files the package writes (``mimml-edu reproduce``'s results), named but not cited.
WRITTEN = {"results.md"}

#: A ``*.md`` file name or path, not part of a longer path or URL.
MD_REFERENCE = re.compile(r"(?<![\w/.\-])((?:[\w.\-]+/)*[\w.\-]+\.md)\b")


def scanned_files() -> list[Path]:
    files = [ROOT / name for name in SCANNED_FILES if (ROOT / name).is_file()]
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*")):
            if (
                path.is_file()
                and path.suffix in TEXT_SUFFIXES
                and not SKIPPED_PARTS & set(path.relative_to(ROOT).parts)
            ):
                files.append(path)
    return files


def md_references(text: str) -> list[tuple[int, str]]:
    """(line number, reference) of every ``*.md`` file a text names.

    Lines of a book config's ``exclude_patterns`` are globs, not citations, and are skipped.
    """
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "exclude_patterns" in line:
            continue
        found.extend((number, m.group(1)) for m in MD_REFERENCE.finditer(line))
    return found


def resolves(reference: str, cited_in: Path) -> bool:
    """A reference names an existing file: beside the citing file, from the repository
    root, or (a bare note name) in docs/."""
    reference = reference.split("#")[0]
    candidates = (cited_in.parent / reference, ROOT / reference, DOCS / reference)
    return any(c.is_file() for c in candidates)


def unresolved_citations(files: list[Path]) -> list[str]:
    bad = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for line, reference in md_references(text):
            if reference not in WRITTEN and not resolves(reference, path):
                bad.append(f"{path.relative_to(ROOT)}:{line}: {reference}")
    return bad


def test_every_cited_design_note_exists():
    files = scanned_files()
    assert any(p.suffix == ".ipynb" for p in files) and any(p.suffix == ".py" for p in files)
    bad = unresolved_citations(files)
    assert not bad, "citations of .md files that are not in the repository:\n" + "\n".join(bad)


def test_the_citation_check_catches_the_patterns_the_code_uses(tmp_path):
    # The forms citations have taken in docstrings, chapters and READMEs.
    cited = tmp_path / "module.py"
    cited.write_text(
        '"""Every switch of the reconstruction (``docs: MIMML.md``) is here.\n'
        "Layout (see ``DATA.md``); *from MIMML.md*; as DATA.md allows; see `STYLE.md`.\n"
        'Fine: ``docs/reconstruction.md``, [the data](../docs/data.md), README.md."""\n'
    )
    found = [ref for _, ref in md_references(cited.read_text())]
    assert found == [
        "MIMML.md", "DATA.md", "MIMML.md", "DATA.md", "STYLE.md",
        "docs/reconstruction.md", "../docs/data.md", "README.md",
    ]  # fmt: skip
    bad = [ref for ref in found if not resolves(ref, ROOT / "mimml_edu" / "module.py")]
    assert bad == ["MIMML.md", "DATA.md", "MIMML.md", "DATA.md", "STYLE.md"]
    assert md_references("see https://example.org/x/NOTES.md and a/b.mdx") == []


def toc_files(node) -> list[str]:
    """Every ``file:`` entry of a Jupyter Book table of contents, depth first."""
    if isinstance(node, dict):
        own = [node["file"]] if "file" in node else []
        return own + [f for value in node.values() for f in toc_files(value)]
    if isinstance(node, list):
        return [f for item in node for f in toc_files(item)]
    return []


def test_every_docs_page_is_in_the_book():
    toc = yaml.safe_load((ROOT / "book" / "_toc.yml").read_text())
    entries = [str(Path(f).with_suffix("")) for f in [toc["root"], *toc_files(toc["parts"])]]
    pages = sorted(f"docs/{p.stem}" for p in DOCS.glob("*.md"))
    assert pages, "docs/ has no pages"
    missing = [p for p in pages if p not in entries]
    assert not missing, f"docs pages missing from book/_toc.yml: {missing}"
    # The book reaches docs/ through a relative symlink, as it reaches notebooks/.
    link = ROOT / "book" / "docs"
    assert link.is_symlink() and not Path(link.readlink()).is_absolute()
    assert link.resolve() == DOCS.resolve()
    for entry in entries:
        base = ROOT / "book" / entry
        assert any(base.with_suffix(s).is_file() for s in (".md", ".ipynb")), entry
    # The design notes come after the chapters and before the reference part.
    captions = [part["caption"] for part in toc["parts"]]
    assert captions.index("Design notes") == captions.index("Reference") - 1


def _config_defaults() -> dict[str, object]:
    from mimml_edu.config import Config

    config = Config()
    return {
        f"{section}.{f.name}": getattr(getattr(config, section), f.name)
        for section in ("model", "objective", "train")
        for f in dataclasses.fields(getattr(config, section))
    }


DEFAULT_ROW = re.compile(r"^\| `((?:model|objective|train)\.\w+)` \| `([^`]+)` \|")


def test_the_defaults_table_matches_the_config():
    defaults = _config_defaults()
    rows = [
        m.groups()
        for line in (DOCS / "reconstruction.md").read_text().splitlines()
        if (m := DEFAULT_ROW.match(line))
    ]
    assert len(rows) >= 20, "the defaults table of docs/reconstruction.md was not found"
    wrong = [
        f"{key}: the note says {text}, config.py has {defaults.get(key, 'no such key')!r}"
        for key, text in rows
        if key not in defaults or ast.literal_eval(text) != defaults[key]
    ]
    assert not wrong, "\n".join(wrong)


def test_every_config_key_the_notes_name_exists():
    defaults = _config_defaults()
    pattern = re.compile(r"`((?:model|objective|train)\.\w+)")
    named = {
        (page.name, key)
        for page in DOCS.glob("*.md")
        for key in pattern.findall(page.read_text())
        if not key.endswith(".py")  # `train.py` is a module, not a key
    }
    assert named
    unknown = sorted(f"{page}: {key}" for page, key in named if key not in defaults)
    assert not unknown, f"config keys named in docs/ that config.py does not have: {unknown}"


def _module_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _dotted_exists(dotted: str) -> bool:
    parts = dotted.split(".")
    for n in range(len(parts), 1, -1):
        base = ROOT.joinpath(*parts[:n])
        module = base.with_suffix(".py")
        if not module.is_file() and (base / "__init__.py").is_file():
            module = base / "__init__.py"
        if module.is_file():
            rest = parts[n:]
            return not rest or rest[0] in _module_names(module)
    return False


def test_the_modules_the_notes_name_exist():
    """``mimml_edu/...`` paths and ``mimml_edu.x.y`` names in the notes are real (the
    architecture note's layout names areas and modules without the package prefix)."""
    paths = re.compile(r"`(mimml_edu(?:/\w+)+(?:\.py)?/?)`")
    dotted = re.compile(r"`(mimml_edu(?:\.\w+)+)")
    bad = []
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text()
        bad += [f"{page.name}: {p}" for p in paths.findall(text) if not (ROOT / p).exists()]
        bad += [f"{page.name}: {d}" for d in dotted.findall(text) if not _dotted_exists(d)]
    assert not bad, f"modules named in docs/ that do not exist: {bad}"


def test_the_note_on_the_84_percent_is_arithmetic():
    text = (DOCS / "reconstruction.md").read_text()
    # Every "a/b = x %" the note writes is right to the digit it shows.
    quoted = re.findall(r"(\d+)/(\d+) = (\d+\.\d) %", text)
    assert len(quoted) >= 2
    for a, b, shown in quoted:
        assert round(100 * int(a) / int(b), 1) == float(shown), f"{a}/{b} is not {shown} %"
    # Its claims: 29/35 is the nearest per-participant dev accuracy; no accuracy k/35
    # or k/47, and no balanced accuracy on the dev split (12 depressed, 23 not), is 84 %
    # at whole-percent rounding.
    target = Fraction(84, 100)
    assert min(range(36), key=lambda k: abs(Fraction(k, 35) - target)) == 29
    assert "29/35 is the nearest" in text
    assert all(round(100 * k / 35) != 84 for k in range(36))
    assert all(round(100 * k / 47) != 84 for k in range(48))
    balanced = {(a / 12 + b / 23) / 2 for a in range(13) for b in range(24)}
    assert all(round(100 * v) != 84 for v in balanced)


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_a_docs_page_has_one_title(page):
    lines = (DOCS / page).read_text().splitlines()
    fenced, titles = False, []
    for line in lines:
        fenced ^= line.startswith("```")
        if not fenced and line.startswith("# "):
            titles.append(line)
    assert len(titles) == 1 and lines[0] == titles[0], f"{page}: the first line is its title"


def test_the_readme_folder_table_names_every_part_of_the_package():
    """Every module and sub-package directly under ``mimml_edu/`` is named in the README's
    table, and the table names nothing that is not there."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("| `mimml_edu/...` |") :].split("\n\n", 1)[0]
    first_cells = [row.split("|")[1] for row in table.splitlines()[2:]]
    named = {n for cell in first_cells for n in re.findall(r"`([A-Za-z_]+(?:\.py|/))`", cell)}
    package = ROOT / "mimml_edu"
    parts = {
        p.name + ("/" if p.is_dir() else "")
        for p in package.iterdir()
        if (p.suffix == ".py" and p.name != "__init__.py")
        or (p.is_dir() and not p.name.startswith(("_", ".")))
    }
    assert parts - named == set(), (
        f"parts of the package not in the README's table: {parts - named}"
    )
    assert named - parts == set(), f"the README's table names what is not there: {named - parts}"
