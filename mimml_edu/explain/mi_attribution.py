"""What makes the modalities agree: attributions of the MI terms, per window.

MIMML's MI terms are batch quantities (CPC contrasts each window with the others in the
batch; the Barber-Agakov term is a batch mean). What can be attributed to one window's
inputs is the part that belongs to that window:

- ``cpc_<m>``: the CPC positive score ``cos(h_m, G_m(z))`` of the window (how well the
  fusion representation predicts modality m's representation; the CPC term raises it and
  lowers the scores of the other windows' pairs, which belong to other windows);
- ``ba_<x>_<y>``: the Barber-Agakov log-likelihood ``log q(h_y | h_x)`` of the window (the
  ``lld`` term is its batch mean, so this part is exact).

Each is explained with Integrated Gradients from the training-mean baseline, exactly like
the prediction (:func:`~mimml_edu.explain.turns.integrated_gradients`): channel attributions
say which features make the modalities agree.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from mimml_edu.explain.inputs import SessionInputs, batch_from_tensors
from mimml_edu.explain.turns import TurnAttribution, integrated_gradients


def mi_terms(model: nn.Module) -> list[str]:
    """The MI terms this model has: ``cpc_<m>`` for each CPC head, ``ba_<x>_<y>`` per BA pair."""
    names = [f"cpc_{m}" for m in getattr(model, "cpc", {})]
    names += [f"ba_{x}_{y}" for x, y in getattr(model, "ba_pairs", ())]
    return names


class MITermTarget(nn.Module):
    """One MI term per window as a function of the inputs.

    Args:
        model: a MIMML with the term's head.  term: a name from :func:`mi_terms`.
    """

    def __init__(self, *, model: nn.Module, term: str):
        super().__init__()
        if term not in mi_terms(model):
            raise ValueError(f"unknown MI term {term!r}; this model has {mi_terms(model)}")
        self.model = model
        self.term = term

    def forward(self, text, audio, video, mask_text, mask_audio, mask_video) -> torch.Tensor:
        """Args: (B, K, d_m) features, (B, K) masks. Returns: (B,) the term per window."""
        batch = batch_from_tensors(text, audio, video, mask_text, mask_audio, mask_video)
        out = self.model(batch)
        kind, *mods = self.term.split("_")
        if kind == "cpc":
            (m,) = mods
            predicted = F.normalize(self.model.cpc[m](out.z), dim=-1, eps=1e-8)
            return (F.normalize(out.h[m], dim=-1, eps=1e-8) * predicted).sum(-1)
        x, y = mods
        value = self.model.mmilb[f"{x}_{y}"].log_prob(out.h[x], out.h[y])
        # The third modality does not enter this term; keep it in the graph (gradient 0)
        # so that Captum can differentiate with respect to all three inputs.
        unused = {"text": text, "audio": audio, "video": video}
        return value + sum(unused[m].sum((1, 2)) * 0.0 for m in unused if m not in mods)


def attribute_mi_term(
    model: nn.Module, inputs: SessionInputs, term: str, *, n_steps: int = 64
) -> TurnAttribution:
    """Integrated Gradients of one MI term (session mean over windows) to the inputs.

    Args:
        model: the trained MIMML.  inputs: the session.  term: from :func:`mi_terms`.
        n_steps: IG steps.
    Returns:
        :class:`~mimml_edu.explain.turns.TurnAttribution` with ``target`` = the term name;
        ``channel_attribution(m)`` says which channels of m raise the term.
    """
    forward = MITermTarget(model=model, term=term)
    return integrated_gradients(model, inputs, target=term, n_steps=n_steps, forward=forward)
