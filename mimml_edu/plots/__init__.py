"""Every figure of mimml-edu, one module per area; each function returns a Figure.

Rules every module follows: each public function is named ``plot_<what>`` and returns a
:class:`matplotlib.figure.Figure` built outside pyplot (see :mod:`~mimml_edu.plots.style`);
none calls ``show()``; computation lives in the science modules, these only draw (a
widget's static twin may compute what it draws, as the widget does).

- :mod:`~mimml_edu.plots.style`: colours per modality and class, figure helpers, the
  notebook display hook (installed when this package is imported).
- :mod:`~mimml_edu.plots.data`: the synthetic corpus's evidence and knobs, a DAIC-WOZ
  session's alignment, windows, split leakage (chapter 02).
- :mod:`~mimml_edu.plots.features`: listen, look, read, the modalities aligned (chapter 03).
- :mod:`~mimml_edu.plots.model`: a window's gate, baselines against the oracle, the padding
  check (chapters 04, 07, 08).
- :mod:`~mimml_edu.plots.mi`: the mutual-information laboratory (chapter 05).
- :mod:`~mimml_edu.plots.fusion`: MI for fusion: the log-variance pitfall, representation
  similarity (chapter 06).
- :mod:`~mimml_edu.plots.multitask`: the generated unimodal labels (chapter 07).
- :mod:`~mimml_edu.plots.training`: a training run and its session scores (chapter 08).
- :mod:`~mimml_edu.plots.explain`: attributions: modality, turn, channel, curves, the
  session's gate, the explorer's static twin (chapter 09).
- :mod:`~mimml_edu.plots.regimes`: the component-effect map, all regimes or one, the
  regime browser's static twin (chapter 08).
- :mod:`~mimml_edu.plots.prose`: not a figure: :func:`~mimml_edu.plots.prose.glue` puts a
  cell's numbers into the chapter's text (myst-nb's ``{glue:text}`` role).
"""

from mimml_edu.plots.style import install_display_hook

install_display_hook()
