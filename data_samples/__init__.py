"""The sample data shipped with mimml-edu, installed as the package ``mimml_edu.samples``.

This folder is ``data_samples/`` in the source repository and ``mimml_edu/samples/`` in an
installed package (``setup.py`` maps one onto the other, so the repository keeps a single
copy). Find it with :func:`mimml_edu.data.samples.samples_dir`, which goes through
:mod:`importlib.resources`. Everything here is synthetic: see ``README.md`` beside this file.
"""
