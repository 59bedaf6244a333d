"""Training of the detector's judge: a multi-label sentence classifier over the seed patterns.

This package is the only place in Tocsin that imports torch (the optional ``train`` extra).
The service itself runs the exported ONNX model through ``services.detector.judge``; training,
cross-validation, export and the model card live here so that ``tocsin train`` and
``make train`` can rebuild the committed model from the labelled files.
"""
