"""The JSON text of the records table's list and raw columns, written directly.

Records have lists of strings (ISSN, ISBN, keywords), author pairs and raw fields
``{tag: [strings]}``; for those shapes the text is joined here from
``json.encoder.encode_basestring``, exactly what ``_dumps`` (compact separators, no ASCII
escaping) writes, without building an encoder per value (half of the time of turning
100,000 records into rows). Anything else goes to ``_dumps``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

#: The columns' encoder for any value (json.dumps with options builds one per call).
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
#: A string as JSON, as ``_dumps`` writes it (``ensure_ascii=False``).
_encode_str = json.encoder.encode_basestring


def json_strings(values: list[str]) -> str:
    """A list of strings as JSON."""
    if not values:
        return "[]"
    try:
        return "[" + ",".join(map(_encode_str, values)) + "]"
    except (TypeError, AttributeError):  # not all strings: the general encoder
        return _dumps(values)


def json_pairs(pairs: list[tuple[str, str]]) -> str:
    """(family, given) pairs as a JSON list of two-string lists."""
    if not pairs:
        return "[]"
    return "[" + ",".join(f"[{_encode_str(a)},{_encode_str(b)}]" for a, b in pairs) + "]"


def json_raw(raw: Mapping[str, Any]) -> str:
    """A record's raw fields as a JSON object."""
    if not raw:
        return "{}"
    parts = []
    try:
        for key, value in raw.items():
            if type(value) is list:
                text = "[" + ",".join(map(_encode_str, value)) + "]"
            elif isinstance(value, str):
                text = _encode_str(value)
            else:
                return _dumps(raw)
            parts.append(_encode_str(key) + ":" + text)
    except (TypeError, AttributeError):  # a key or list item that is no string
        return _dumps(raw)
    return "{" + ",".join(parts) + "}"
