"""Captum explanations of MIMML: which modality, which turn, which feature; numbers only.

Pictures live in :mod:`mimml_edu.plots.explain`, the live explorer in
:mod:`mimml_edu.widgets.explain`.

- :mod:`~mimml_edu.explain.inputs`: a session's windows as tensors, the training-mean
  baseline, the explained target (``logit``, ``prob``, ``phq``).
- :mod:`~mimml_edu.explain.modality`: exact Shapley values over the 3 modalities
  (8 coalitions), and Captum's ``ShapleyValues`` / ``FeatureAblation`` over modality groups.
- :mod:`~mimml_edu.explain.turns`: Integrated Gradients per turn and channel (with the
  convergence delta), turn occlusion, the fusion gate per turn.
- :mod:`~mimml_edu.explain.mi_attribution`: attributions of the CPC and Barber-Agakov terms.
- :mod:`~mimml_edu.explain.faithfulness`: AUROC of turn and channel attributions against the
  true signal, the modality ranking against the generator, deletion/insertion curves.
- :mod:`~mimml_edu.explain.report`: all of it over a list of sessions (the CLI and the bench).
"""

from mimml_edu.explain.faithfulness import (
    Curves,
    RankingScore,
    channel_auroc,
    deletion_insertion,
    modality_ranking,
    prediction_direction,
    turn_auroc,
    turn_scores,
)
from mimml_edu.explain.inputs import (
    TARGETS,
    SessionInputs,
    WindowTarget,
    batch_from_tensors,
    session_inputs,
)
from mimml_edu.explain.mi_attribution import MITermTarget, attribute_mi_term, mi_terms
from mimml_edu.explain.modality import (
    ModalityShapley,
    captum_modality_attributions,
    coalition_values,
    loss_shapley,
    modality_shapley,
    shapley_from_values,
)
from mimml_edu.explain.report import (
    CorpusExplanation,
    GroundTruth,
    SessionExplanation,
    explain_one,
    explain_sessions,
)
from mimml_edu.explain.turns import (
    METHODS,
    TurnAttribution,
    attribute_turns,
    gate_values,
    integrated_gradients,
    turn_occlusion,
)

__all__ = [
    "METHODS",
    "TARGETS",
    "CorpusExplanation",
    "Curves",
    "GroundTruth",
    "MITermTarget",
    "ModalityShapley",
    "RankingScore",
    "SessionExplanation",
    "SessionInputs",
    "TurnAttribution",
    "WindowTarget",
    "attribute_mi_term",
    "attribute_turns",
    "batch_from_tensors",
    "captum_modality_attributions",
    "channel_auroc",
    "coalition_values",
    "deletion_insertion",
    "explain_one",
    "explain_sessions",
    "gate_values",
    "integrated_gradients",
    "loss_shapley",
    "mi_terms",
    "modality_ranking",
    "modality_shapley",
    "prediction_direction",
    "session_inputs",
    "shapley_from_values",
    "turn_auroc",
    "turn_occlusion",
    "turn_scores",
]
