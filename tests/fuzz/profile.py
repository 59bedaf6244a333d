"""The fuzz profile: how many generated inputs each target gets, and how long one may take.

CI runs 10,000 examples per target (the issue's figure); ``TOCSIN_FUZZ_EXAMPLES`` lowers or
raises it for a local run. The deadline bounds every single parse: a parser that hangs or
goes quadratic on some input fails the test with that input, instead of stalling a poll.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("TOCSIN_FUZZ_EXAMPLES", "10000"))
DEADLINE = timedelta(milliseconds=int(os.environ.get("TOCSIN_FUZZ_DEADLINE_MS", "1500")))

settings.register_profile(
    "tocsin-fuzz",
    max_examples=EXAMPLES,
    deadline=DEADLINE,
    database=None,  # no example database in the tree: a CI run starts from the same seed space
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("tocsin-fuzz")
