"""Check that the environment can run every chapter of the book.

Used by chapter 00 and by ``mimml-edu demo``. Each check imports one library and
records its version (or the error), so a learner sees at once what is missing.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import platform
import sys
from dataclasses import dataclass, field

from mimml_edu import __version__

#: Libraries the chapters import, with the import name and distribution name.
REQUIRED = (
    ("torch", "torch"),
    ("captum", "captum"),
    ("mediapipe", "mediapipe"),
    ("transformers", "transformers"),
    ("librosa", "librosa"),
    ("numpy", "numpy"),
    ("matplotlib", "matplotlib"),
    ("ipywidgets", "ipywidgets"),
    ("sklearn", "scikit-learn"),
    ("pandas", "pandas"),
)


@dataclass
class EnvReport:
    """What :func:`check_environment` found.

    Attributes:
        package_version: version of the imported ``mimml_edu``.
        installed_version: version of the installed ``mimml-edu`` distribution
            (``None`` when the package is imported from a source tree that is not installed).
        python: the Python version.
        libraries: import name -> version string, or ``"MISSING: <error>"``.
        device: ``"cuda"`` when torch sees a GPU, else ``"cpu"``.
        device_name: a human-readable name of the device.
        problems: one line per problem found; empty when all is well.
    """

    package_version: str
    installed_version: str | None
    python: str
    libraries: dict[str, str] = field(default_factory=dict)
    device: str = "cpu"
    device_name: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {
            "package_version": self.package_version,
            "installed_version": self.installed_version,
            "python": self.python,
            "libraries": dict(self.libraries),
            "device": self.device,
            "device_name": self.device_name,
            "problems": list(self.problems),
            "ok": self.ok,
        }

    def format(self) -> str:
        lines = [
            f"mimml-edu {self.package_version} "
            f"(installed: {self.installed_version or 'not installed'})",
            f"Python {self.python} on {platform.system()} {platform.machine()}",
            f"device: {self.device} ({self.device_name})",
        ]
        width = max(len(name) for name in self.libraries) if self.libraries else 0
        lines += [f"  {name:<{width}}  {version}" for name, version in self.libraries.items()]
        if self.problems:
            lines.append("problems:")
            lines += [f"  - {p}" for p in self.problems]
        else:
            lines.append("environment OK: every chapter's libraries are importable.")
        return "\n".join(lines)


def check_environment(expected_version: str | None = None) -> EnvReport:
    """Import every library the book needs and report versions and the compute device.

    Args:
        expected_version: the version the book was written for; a mismatch with the
            installed package is reported as a problem (the book and package drifted apart).

    Returns:
        An :class:`EnvReport`; ``report.ok`` is True when nothing is missing.
    """
    try:
        installed = importlib.metadata.version("mimml-edu")
    except importlib.metadata.PackageNotFoundError:
        installed = None
    report = EnvReport(
        package_version=__version__,
        installed_version=installed,
        python=platform.python_version(),
    )
    if installed is not None and installed != __version__:
        report.problems.append(
            f"installed mimml-edu {installed} differs from the imported source {__version__}: "
            "reinstall with `make venv` (or `pip install -e .`)"
        )
    if expected_version is not None and __version__ != expected_version:
        report.problems.append(
            f"this book was written for mimml-edu {expected_version}, "
            f"but {__version__} is imported"
        )
    for module_name, dist_name in REQUIRED:
        try:
            importlib.import_module(module_name)
            report.libraries[module_name] = importlib.metadata.version(dist_name)
        except Exception as exc:  # an import can fail with any error, not only ImportError
            report.libraries[module_name] = f"MISSING: {type(exc).__name__}: {exc}"
            report.problems.append(f"cannot import {module_name}: {exc}")
    torch = sys.modules.get("torch")
    if torch is not None:
        if torch.cuda.is_available():
            report.device = "cuda"
            report.device_name = torch.cuda.get_device_name(0)
        else:
            report.device = "cpu"
            report.device_name = f"{torch.get_num_threads()} CPU threads"
    return report
