"""The active-learning screener and its pluggable parts."""
