"""Synthesis: vote counting, subgroup and sensitivity analyses, measure derivation and
crosswalk maps over coded influences.

The methods themselves are providers of the ``evidencekit_synthesis_methods`` hook
(the built-in ones in ``evidencekit.plugins.synthesis``), chosen by name. This package
holds what the command line, the pipeline and the report share: the checked inputs
(:mod:`.inputs`, :mod:`.load`), calling a method at the boundary (:func:`run_method`),
writing a derived measure (:func:`write_measure`) and rendering tables (:mod:`.tables`).
"""

from evidencekit.core.synthesis.inputs import (
    Coding,
    SynthesisData,
    SynthesisInputError,
    read_codings,
    read_grades,
    read_studies_table,
)
from evidencekit.core.synthesis.load import load_synthesis
from evidencekit.core.synthesis.run import measure_yaml, run_method, write_measure

__all__ = [
    "Coding",
    "SynthesisData",
    "SynthesisInputError",
    "load_synthesis",
    "measure_yaml",
    "read_codings",
    "read_grades",
    "read_studies_table",
    "run_method",
    "write_measure",
]
