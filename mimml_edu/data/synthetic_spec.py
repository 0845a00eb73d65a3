"""Synthetic corpus specs: ``synthetic[:n=N,seed=S,knob=value,...]`` <-> its knobs.

Public API: :func:`parse_synthetic` (spec -> size, seed and knobs of
:func:`~mimml_edu.data.synthetic.make_corpus`) and :func:`synthetic_spec` (the canonical
spec string: knobs sorted, mappings flattened). A mapping knob is given per modality as
``knob.modality=value``, a range as ``lo-hi``; an unknown or malformed knob raises
:class:`~mimml_edu.errors.CorpusError` naming it.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from mimml_edu.data.batch import MODALITIES
from mimml_edu.errors import CorpusError


def _knob_value(name: str, text: str, default: Any, spec: str) -> Any:
    """Parse one knob value with the type of its default."""
    try:
        if isinstance(default, bool):
            if text.lower() not in ("true", "false"):
                raise ValueError
            return text.lower() == "true"
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
        if isinstance(default, tuple):
            parts = text.split("-")
            return tuple(type(default[0])(p) for p in parts)
        if isinstance(default, str):
            return text
    except ValueError:
        pass
    raise CorpusError(
        f"--data {spec!r}: {name}={text!r} is not a {type(default).__name__}"
        + (" (write lo-hi)" if isinstance(default, tuple) else "")
    )


def parse_synthetic(spec: str) -> tuple[int, int, dict[str, Any]]:
    """``synthetic[:n=N,seed=S,knob=value,...]`` -> (n_sessions, seed, knobs).

    Raises:
        CorpusError naming the knob that is unknown or malformed.
    """
    from mimml_edu.data.generator import SyntheticConfig

    head, _, rest = spec.partition(":")
    if head != "synthetic":
        raise CorpusError(f"--data {spec!r}: not a synthetic spec")
    defaults = SyntheticConfig()
    known = {f.name for f in fields(SyntheticConfig)} - {"n_sessions"}
    n, seed, knobs = 189, 0, {}
    for item in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not eq or not value:
            raise CorpusError(f"--data {spec!r}: expected knob=value, found {item!r}")
        if key in ("n", "seed"):
            parsed = _knob_value(key, value, 0, spec)
            if key == "n" and parsed < 1:
                raise CorpusError(f"--data {spec!r}: n must be >= 1, got {parsed}")
            n, seed = (parsed, seed) if key == "n" else (n, parsed)
            continue
        name, _, modality = key.partition(".")
        if name not in known:
            names = ", ".join(["n", "seed", *sorted(known)])
            raise CorpusError(f"--data {spec!r}: unknown knob {name!r}; known: {names}")
        default = getattr(defaults, name)
        if modality:
            if not hasattr(default, "keys") or modality not in MODALITIES:
                raise CorpusError(f"--data {spec!r}: {key!r} is not a per-modality knob")
            knobs.setdefault(name, {})[modality] = _knob_value(key, value, 0.0, spec)
        elif hasattr(default, "keys"):
            raise CorpusError(f"--data {spec!r}: give {name} per modality, e.g. {name}.audio=0.5")
        else:
            knobs[name] = _knob_value(key, value, default, spec)
    return n, seed, knobs


def synthetic_spec(n_sessions: int = 189, seed: int = 0, **knobs: Any) -> str:
    """The canonical spec string of a synthetic corpus (knobs sorted, mappings flattened)."""
    parts = [f"n={n_sessions}", f"seed={seed}"]
    for name in sorted(knobs):
        value = knobs[name]
        if hasattr(value, "items"):
            parts += [f"{name}.{m}={value[m]:g}" for m in MODALITIES if m in value]
        elif isinstance(value, tuple):
            parts.append(f"{name}={'-'.join(str(v) for v in value)}")
        elif isinstance(value, bool):
            parts.append(f"{name}={str(value).lower()}")
        else:
            parts.append(f"{name}={value:g}" if isinstance(value, float) else f"{name}={value}")
    return "synthetic:" + ",".join(parts)
