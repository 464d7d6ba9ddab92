"""Instruments: YAML checklists, frameworks, measures, forms and crosswalks.

``load_instrument`` reads and validates one file; ``Catalog`` finds every
instrument in the package, in plugin folders and in a review's own folder.
"""

from evidencekit.core.instruments.catalog import (
    INSTRUMENT_KINDS,
    Catalog,
    CatalogEntry,
    build_catalog,
    load_instrument,
    validate_paths,
)

__all__ = [
    "INSTRUMENT_KINDS",
    "Catalog",
    "CatalogEntry",
    "build_catalog",
    "load_instrument",
    "validate_paths",
]
