"""Features from raw media: speech (librosa), faces (MediaPipe), words (transformers).

Each extractor reduces a recording to one feature vector per participant turn:

- :mod:`mimml_edu.features.audio`: log-mel, MFCC and deltas, F0 and voicing (pyin),
  energy and spectral shape, pooled over each turn's voiced frames;
- :mod:`mimml_edu.features.pitch`: the vectorised pYIN pitch tracker the audio extractor
  uses (same numbers as ``librosa.pyin``);
- :mod:`mimml_edu.features.video`: FaceLandmarker landmarks, blendshapes and head pose,
  pooled over each turn's face frames;
- :mod:`mimml_edu.features.text`: mean-pooled sentence embeddings of each turn's text;
- :mod:`mimml_edu.features.cache`: the on-disk cache keyed by content and settings.

The submodules import librosa, mediapipe and transformers; this package file does not.
:func:`mimml_edu.features.corpus.load_raw_corpus` puts the three together into Sessions.
"""
