"""Built-in appraisal scorers: percentage bands (CASP) and domain judgements (RoB 2)."""
