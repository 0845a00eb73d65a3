"""A stand-in text embedding: hashed bag of words, 384 wide like all-MiniLM-L6-v2.

This is **not** a sentence encoder: it knows nothing about meaning, only which words
(and word pairs) occur. It exists so that readers and chapters run before, or without,
the real encoder of :mod:`mimml_edu.features.text`. Pass the real one as
``text_embedder=`` to the readers for anything you report.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence

import numpy as np

from mimml_edu.data.channels import TEXT_DIM

_WORD = re.compile(r"[a-z0-9']+")


def _bucket(token: str, dim: int) -> tuple[int, float]:
    digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % dim, 1.0 if (value >> 63) & 1 else -1.0


def hashing_text_embedding(texts: Sequence[str], *, dim: int = TEXT_DIM) -> np.ndarray:
    """Embed each text as a signed, hashed bag of words and word pairs, L2-normalised.

    Deterministic across runs and machines (BLAKE2 hashing, not Python's ``hash``).

    Args:
        texts: N strings (an empty string gives a zero vector).
        dim: output width (384 = all-MiniLM-L6-v2).
    Returns:
        float32 array ``(N, dim)``.
    """
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, text in enumerate(texts):
        words = _WORD.findall(text.lower())
        tokens = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
        for token in tokens:
            j, sign = _bucket(token, dim)
            out[i, j] += sign
        norm = float(np.linalg.norm(out[i]))
        if norm > 0:
            out[i] /= norm
    return out


def embed_texts(
    embedder, texts: Sequence[str], *, where: str = ""
) -> tuple[np.ndarray, np.ndarray]:
    """Run any text embedder the readers accept, and check what it returns.

    Args:
        embedder: a callable ``texts -> (N, 384)`` array (like
            :func:`hashing_text_embedding`), a callable returning ``(array, mask)``, or an
            object with such an ``encode(texts)`` method (like
            ``mimml_edu.features.text.TextEncoder``).
        texts: N strings.
        where: the session, for messages.
    Returns:
        (float32 ``(N, d)``, bool ``(N,)`` True where the turn has words and an embedding);
        ``d`` is the embedder's ``dim`` attribute (a transformers encoder's width), else 384.
    """
    fn = embedder.encode if hasattr(embedder, "encode") else embedder
    result = fn(list(texts))
    mask = np.array([bool(t.strip()) for t in texts], dtype=bool)
    if isinstance(result, tuple):
        result, extra = result
        mask &= np.asarray(extra, dtype=bool)
    emb = np.asarray(result, dtype=np.float32)
    width = int(getattr(embedder, "dim", TEXT_DIM))
    if emb.shape != (len(texts), width):
        raise ValueError(
            f"{where}: the text embedder returned shape {emb.shape}, "
            f"expected ({len(texts)}, {width})"
        )
    return emb, mask
