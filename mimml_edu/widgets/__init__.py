"""Every ipywidgets app of mimml-edu, built one way (:mod:`~mimml_edu.widgets.base`).

Each app is a thin wrapper over a function of :mod:`mimml_edu.plots`, its static twin,
which the book shows; the live app is for Jupyter.

- :mod:`~mimml_edu.widgets.base`: :func:`~mimml_edu.widgets.base.figure_app` and the
  contract every app keeps.
- :mod:`~mimml_edu.widgets.data`: :func:`~mimml_edu.widgets.data.corpus_knobs` (chapter 02).
- :mod:`~mimml_edu.widgets.mi`: :func:`~mimml_edu.widgets.mi.mi_playground` (chapter 05).
- :mod:`~mimml_edu.widgets.explain`:
  :func:`~mimml_edu.widgets.explain.attribution_explorer` (chapter 09).
- :mod:`~mimml_edu.widgets.regimes`: :func:`~mimml_edu.widgets.regimes.regime_browser`
  (chapter 08).
"""
