"""Package discovery for setuptools; everything else is declared in ``pyproject.toml``.

The sample data lives once, in ``data_samples/`` at the top of the repository, and is
installed as the package ``mimml_edu.samples`` (wheel, sdist and editable installs alike),
so that an installed mimml-edu finds it through :mod:`importlib.resources`.
"""

from setuptools import find_namespace_packages, setup

SAMPLES = "mimml_edu.samples"
NOT_PACKAGES = ["*__pycache__*", "*.ipynb_checkpoints*"]

code = find_namespace_packages(include=["mimml_edu", "mimml_edu.*"], exclude=NOT_PACKAGES)
sample_folders = find_namespace_packages("data_samples", exclude=NOT_PACKAGES)
samples = [SAMPLES, *(f"{SAMPLES}.{name}" for name in sample_folders)]

setup(
    packages=[*code, *samples],
    package_dir={SAMPLES: "data_samples"},
    package_data={
        "mimml_edu": ["py.typed"],
        "mimml_edu.features.assets": ["*"],
        "mimml_edu.shipped_checkpoints": ["*"],
        **{name: ["*"] for name in samples},
    },
)
