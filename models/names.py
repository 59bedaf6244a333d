"""How names and words compare everywhere in Tocsin: folded, so ``Nicolás`` is ``nicolas``.

Subscriptions filter by actor and keyword, silences match actors, and stories are keyed by
actor; all of them fold with :func:`fold`, so a name that matches in one place matches in all.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Case- and accent-folded, curly apostrophes straightened, white space collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", stripped.replace("\u2019", "'")).casefold().strip()
