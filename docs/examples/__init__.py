"""The worked examples, installed as package data for ``evidencekit init``."""
