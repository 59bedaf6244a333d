"""The stream processor: the one Faust app, its worker, and the Faust patches it needs.

``app.py`` builds the app and asks each stage to wire its own agent into it: detection
(:mod:`services.stream.detect`), stories (:mod:`services.stories.agent`) and windowed rules
(:mod:`services.rules.agent`). ``transport.py`` and ``eager.py`` reach into Faust's internals;
they are quarantined here and pinned to one Faust version (a test fails on another).
"""
