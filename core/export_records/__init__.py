"""Writers for ``evidencekit records export``: CSV, RIS and BibTeX text.

Pure functions over :class:`~evidencekit.core.model.Record` objects and column
mappings; choosing which records (primaries merged, or every record) is done in
:mod:`evidencekit.core.records`.
"""

from __future__ import annotations

from evidencekit.core.export_records.bibtex import _BIB_TYPES as _BIB_TYPES
from evidencekit.core.export_records.bibtex import _KEY_BAD as _KEY_BAD
from evidencekit.core.export_records.bibtex import _LATEX_RE as _LATEX_RE
from evidencekit.core.export_records.bibtex import _LATEX_SPECIAL as _LATEX_SPECIAL
from evidencekit.core.export_records.bibtex import _RIS_TO_BIB as _RIS_TO_BIB
from evidencekit.core.export_records.bibtex import _bib_author as _bib_author
from evidencekit.core.export_records.bibtex import _verbatim as _verbatim
from evidencekit.core.export_records.bibtex import bibtex_entry as bibtex_entry
from evidencekit.core.export_records.bibtex import bibtex_type as bibtex_type
from evidencekit.core.export_records.bibtex import latex_escape as latex_escape
from evidencekit.core.export_records.bibtex import to_bibtex as to_bibtex
from evidencekit.core.export_records.fields import ALL_COLUMNS as ALL_COLUMNS
from evidencekit.core.export_records.fields import EXPORT_FORMATS as EXPORT_FORMATS
from evidencekit.core.export_records.fields import FIELD_COLUMNS as FIELD_COLUMNS
from evidencekit.core.export_records.fields import MERGED_COLUMNS as MERGED_COLUMNS
from evidencekit.core.export_records.fields import authors_text as authors_text
from evidencekit.core.export_records.fields import csv_pieces as csv_pieces
from evidencekit.core.export_records.fields import field_text as field_text
from evidencekit.core.export_records.fields import to_csv as to_csv
from evidencekit.core.export_records.ris import _PAGE_RANGE as _PAGE_RANGE
from evidencekit.core.export_records.ris import _RIS_TYPES as _RIS_TYPES
from evidencekit.core.export_records.ris import _TAG_LIKE as _TAG_LIKE
from evidencekit.core.export_records.ris import RIS_TYPE_CODES as RIS_TYPE_CODES
from evidencekit.core.export_records.ris import _abstract_lines as _abstract_lines
from evidencekit.core.export_records.ris import _one_line as _one_line
from evidencekit.core.export_records.ris import ris_entry as ris_entry
from evidencekit.core.export_records.ris import ris_type as ris_type
from evidencekit.core.export_records.ris import split_pages as split_pages
from evidencekit.core.export_records.ris import to_ris as to_ris
