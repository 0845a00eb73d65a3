"""Text models by name: what ``--text-model`` takes, and the embedder a reader gets.

A text model is ``hashing`` (:func:`~mimml_edu.data.text_standin.hashing_text_embedding`:
a bag-of-words stand-in, fast, not for results), ``minilm`` (all-MiniLM-L6-v2, shipped
with the package) or a local folder that ``transformers`` loads (any language). The
encoders live above the data layer (:mod:`mimml_edu.features.text`), imported on first
use through :data:`TEXT_PLUGIN`.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from mimml_edu.errors import ConfigError

#: The module that loads transformers text encoders (``load_text_encoder(name)``).
TEXT_PLUGIN = "mimml_edu.features.text"

#: The names ``text_model`` takes besides a local model folder.
TEXT_MODEL_NAMES: dict[str, str] = {
    "hashing": "the hashed bag-of-words stand-in (knows words, not meaning; fast)",
    "minilm": "all-MiniLM-L6-v2, shipped with the package (English sentence encoder)",
}


def canonical_text_model(value: str | Path | None) -> str | None:
    """``hashing``, ``minilm`` or the absolute path of a local model folder (None: None).

    Raises:
        ConfigError when the value is neither a known name nor an existing folder.
    """
    if value is None:
        return None
    text = str(value).strip()
    path = Path(text).expanduser()
    if path.is_dir():
        return str(path.resolve())
    if text in TEXT_MODEL_NAMES:
        return text
    names = ", ".join(TEXT_MODEL_NAMES)
    if path.exists():
        raise ConfigError(f"--text-model {text!r}: a file, not a model folder ({names})")
    raise ConfigError(
        f"--text-model {text!r}: no such folder; give a local transformers model folder "
        f"or one of {names}"
    )


def text_embedder(name: str):
    """The text embedder a reader takes for a canonical ``text_model``.

    ``hashing`` is :func:`~mimml_edu.data.text_standin.hashing_text_embedding`; any other
    name loads a :class:`~mimml_edu.features.text.TextEncoder` (once per process).
    """
    if name == "hashing":
        from mimml_edu.data.text_standin import hashing_text_embedding

        return hashing_text_embedding
    try:
        return importlib.import_module(TEXT_PLUGIN).load_text_encoder(name)
    except (OSError, ValueError) as err:
        raise ConfigError(f"--text-model {name}: {err}") from None
