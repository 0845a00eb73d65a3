"""The component-effect map: when does each part of MIMML help?

For every generator regime (:mod:`mimml_edu.data.regimes`) and every variant of MIMML
(:data:`~mimml_edu.component_map.variants.VARIANTS`), several training seeds are scored on
fresh test sessions under each test condition, beside the exact oracle there; the paired
difference of each variant to full MIMML gets an interval over seeds and sessions, and
each prediction written down before the runs gets a verdict. Diagnostics say why: the
linear-probe accuracy of each unimodal representation and the mean gate of each gated
block.

- :mod:`.variants`: the variants and the training recipe.
- :mod:`.run`: :func:`prepare_regime`, :func:`run_job`, :func:`run_regime`.
- :mod:`.diagnostics`: forward hooks on the gates, linear probes.
- :mod:`.stats`: the hierarchical paired bootstrap and the verdict rules.
- :mod:`.summary`: predictions, the rows of the map, the verdicts.
- :mod:`.results`: the files in ``bench/results/`` and :func:`load_map`.

``bench/regimes.py`` runs the whole map; chapter 08 reads it with :func:`load_map` and
re-runs one regime at a reduced size with :func:`run_regime`.
"""

from mimml_edu.component_map.results import ComponentMap, load_map, results_dir, write_map
from mimml_edu.component_map.run import JobResult, RegimeData, prepare_regime, run_job, run_regime
from mimml_edu.component_map.stats import paired_interval, verdict
from mimml_edu.component_map.summary import Prediction, judge, load_predictions, summarise
from mimml_edu.component_map.variants import FULL, VARIANTS, Recipe

__all__ = [
    "FULL",
    "VARIANTS",
    "ComponentMap",
    "JobResult",
    "Prediction",
    "Recipe",
    "RegimeData",
    "judge",
    "load_map",
    "load_predictions",
    "paired_interval",
    "prepare_regime",
    "results_dir",
    "run_job",
    "run_regime",
    "summarise",
    "verdict",
    "write_map",
]
