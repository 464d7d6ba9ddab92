"""The built-in pipeline steps: import, dedupe, appraise, measure, report."""
