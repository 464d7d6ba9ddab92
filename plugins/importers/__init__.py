"""Built-in importers: one module per export format (RIS, MEDLINE, BibTeX, WoS, EndNote XML,
Scopus CSV, generic CSV/TSV/XLSX). Modules starting with ``_`` are shared helpers, not plugins."""
