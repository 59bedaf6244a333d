"""Canonical URLs: the same article reached through two links must get one document id."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from models import document_id_for

TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "at_")
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "yclid",
        "igshid",
        "ocid",
        "cmpid",
        "ref_src",
        "ref_url",
        "_hsenc",
        "_hsmi",
        "ito",
        "smid",
        "wt.mc_id",
        "wt_mc",
        "wt_zmc",
        "ns_campaign",
        "ns_mchannel",
        "ns_source",
        "ns_linkname",
        "ns_fee",
        "spm",
        "share",
        "feature",
        "s_cid",
        "cid",
        "icid",
    }
)
URL_KEY_KIND = "url"
"""Documents keyed by URL share one id space across kinds, so the same article from an RSS
feed and from GDELT is one document."""


def canonical_url(url: str) -> str:
    """``url`` without tracking parameters, fragment, default port or case noise in the host."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    if parts.username or parts.password:
        host = f"{parts.username or ''}{':' + parts.password if parts.password else ''}@{host}"
    query = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(name)]
    query.sort()
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, urlencode(query, doseq=True), ""))


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def url_document_id(url: str) -> str:
    """The document id for an item known only by its link."""
    return document_id_for(URL_KEY_KIND, canonical_url(url))
