"""Validity analyses of a readiness measure: floor and ceiling effects, known groups,
internal consistency and inter-rater agreement."""
