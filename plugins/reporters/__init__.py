"""Reporters: results to files a person reads (diagrams, tables, plots)."""
