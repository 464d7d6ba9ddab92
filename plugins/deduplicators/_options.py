"""The ``fuzzy`` deduplicator's options: JSON Schema with the documented defaults.

Kept apart from the rules so that registering the plugin (which reads the
schema) imports nothing heavy.
"""

from __future__ import annotations

from typing import Any

#: JSON Schema of the ``fuzzy`` options; the defaults are the documented rules.
OPTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "title_threshold": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "default": 0.95,
            "description": "title similarity (0-1) needed for a fuzzy link",
        },
        "title_floor": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "default": 0.8,
            "description": "below this two titles are different: no identifier link, and "
            "never two such records in one cluster",
        },
        "author_threshold": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "default": 0.8,
            "description": "family-name similarity needed for a fuzzy link",
        },
        "author_floor": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "default": 0.5,
            "description": "below this the authors are different: never in one cluster "
            "(unless they share a DOI or PMID and the same title)",
        },
        "abstract_threshold": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "default": 0.9,
            "description": "similarity of the abstracts' starts that counts as agreement",
        },
        "max_year_gap": {
            "type": "integer",
            "minimum": 0,
            "default": 1,
            "description": "largest year difference within one cluster",
        },
        "short_title_words": {
            "type": "integer",
            "minimum": 0,
            "default": 4,
            "description": "titles with fewer words need the journal, the volume or first "
            "page and the first author to agree",
        },
        "uncertain_title": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "default": 0.85,
            "description": "title similarity from which an unlinked pair is sent for review",
        },
        "link_untitled": {
            "type": "boolean",
            "default": False,
            "description": "link a record without a title when authors, year, journal, "
            "volume and pages all agree (else it is sent for review)",
        },
        "cochrane_versions": {
            "type": "string",
            "enum": ["review", "link", "separate"],
            "default": "review",
            "description": "two versions of one Cochrane review (DOI .pubN, a later year): "
            "send the pair for review, link them as one study, or keep them apart",
        },
        "full_block": {
            "type": "integer",
            "minimum": 2,
            "default": 8,
            "description": "records sharing a blocking key are compared all against all "
            "up to this many; a larger block is sorted by title and compared by window",
        },
        "window": {
            "type": "integer",
            "minimum": 1,
            "default": 6,
            "description": "in a large block, each record is compared with this many "
            "next records in title order",
        },
        "workers": {
            "type": "integer",
            "default": -1,
            "description": (
                "threads for the string comparisons, and processes preparing a batch of "
                "20,000 records or more (-1: all cores)"
            ),
        },
    },
}


def defaults() -> dict[str, Any]:
    """The default value of every option."""
    return {k: v["default"] for k, v in OPTIONS_SCHEMA["properties"].items()}
