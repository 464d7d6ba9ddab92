"""The store's current tables (SQLAlchemy Core), as the migrations leave them.

The migrations in :mod:`evidencekit.core.store.migrations` create and change
the tables; this module only describes the result so queries can name columns.
A test checks that a store built by the migrations has exactly these columns.

Lists and mappings (authors, keywords, raw fields, options) are stored as JSON
text, which reads and writes the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

#: One row per migration applied, in order.
schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("applied_at", sa.Text, nullable=False),
)

#: One row per imported file: where its records came from.
imports = sa.Table(
    "imports",
    metadata,
    sa.Column("import_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("file", sa.Text, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("date_searched", sa.Text),
    sa.Column("format", sa.Text, nullable=False),
    sa.Column("encoding", sa.Text),
    sa.Column("imported_at", sa.Text, nullable=False),
    sa.Column("record_count", sa.Integer, nullable=False),
    sa.Column("new_records", sa.Integer, nullable=False),
    sa.Column("warnings", sa.Text, nullable=False, server_default="[]"),  # since v2
    sa.Index("ix_imports_sha256", "sha256"),
)

#: Every imported record, as the importer normalised it, with its raw fields.
records = sa.Table(
    "records",
    metadata,
    sa.Column("record_id", sa.Text, primary_key=True),
    sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.import_id"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("line", sa.Integer),
    sa.Column("source_key", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("abstract", sa.Text, nullable=False),
    sa.Column("authors", sa.Text, nullable=False),  # JSON [[family, given], ...]
    sa.Column("year", sa.Integer),
    sa.Column("journal", sa.Text, nullable=False),
    sa.Column("volume", sa.Text, nullable=False),
    sa.Column("issue", sa.Text, nullable=False),
    sa.Column("pages", sa.Text, nullable=False),
    sa.Column("doi", sa.Text, nullable=False),
    sa.Column("pmid", sa.Text, nullable=False),
    sa.Column("issn", sa.Text, nullable=False),  # JSON list
    sa.Column("isbn", sa.Text, nullable=False),  # JSON list
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("keywords", sa.Text, nullable=False),  # JSON list
    sa.Column("publication_type", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("raw", sa.Text, nullable=False),  # JSON mapping
    sa.Index("ix_records_import", "import_id", "position"),
    sa.Index("ix_records_doi", "doi"),  # since v2
    sa.Index("ix_records_pmid", "pmid"),  # since v2
)

#: The clusters of the last de-duplication run: every record, its cluster and
#: whether it is the cluster's primary (the record that represents the study).
clusters = sa.Table(
    "clusters",
    metadata,
    sa.Column("record_id", sa.Text, sa.ForeignKey("records.record_id"), primary_key=True),
    sa.Column("cluster_id", sa.Text, nullable=False),
    sa.Column("is_primary", sa.Boolean, nullable=False),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id"), nullable=False),
    sa.Index("ix_clusters_cluster", "cluster_id"),
)

#: The duplicate links of the last run, each with its reason and score.
dedupe_links = sa.Table(
    "dedupe_links",
    metadata,
    sa.Column("a", sa.Text, sa.ForeignKey("records.record_id"), primary_key=True),
    sa.Column("b", sa.Text, sa.ForeignKey("records.record_id"), primary_key=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("method", sa.Text, nullable=False),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id"), nullable=False),
)

#: Pairs the last run could not decide, for a person to review.
uncertain_pairs = sa.Table(
    "uncertain_pairs",
    metadata,
    sa.Column("pair_id", sa.Text, primary_key=True),
    sa.Column("a", sa.Text, sa.ForeignKey("records.record_id"), nullable=False),
    sa.Column("b", sa.Text, sa.ForeignKey("records.record_id"), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("method", sa.Text, nullable=False),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id"), nullable=False),
)

#: Every decision a person made on a pair (history kept; the latest one counts).
pair_decisions = sa.Table(
    "pair_decisions",
    metadata,
    sa.Column("decision_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("a", sa.Text, sa.ForeignKey("records.record_id"), nullable=False),
    sa.Column("b", sa.Text, sa.ForeignKey("records.record_id"), nullable=False),
    sa.Column("decision", sa.Text, nullable=False),  # "same" | "different"
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("decided_at", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Index("ix_pair_decisions_pair", "a", "b"),
)

#: The screening stages as review.yaml declared them when decisions were last
#: written (settings: the stage's rules as JSON), so the store says which rules held.
screening_stages = sa.Table(
    "screening_stages",
    metadata,
    sa.Column("stage", sa.Text, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("settings", sa.Text, nullable=False),  # JSON
    sa.Column("declared_at", sa.Text, nullable=False),
)

#: One reviewer's current decision on one record at one stage (since v3).
#: ``record_id`` is the primary record of the record's cluster (decisions move
#: with the primary when de-duplication changes); ``first_record_id`` is the
#: record the decision was made on. ``decision``: include | exclude | maybe |
#: not-retrieved (a full text that could not be obtained). ``origin`` says where
#: it came from ("screen", "import FILE:ROW", ...).
screening_decisions = sa.Table(
    "screening_decisions",
    metadata,
    sa.Column("decision_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("record_id", sa.Text, sa.ForeignKey("records.record_id"), nullable=False),
    sa.Column("stage", sa.Text, nullable=False),
    sa.Column("reviewer", sa.Text, nullable=False),
    sa.Column("decision", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("study_id", sa.Text, nullable=False),
    sa.Column("decided_at", sa.Text, nullable=False),
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("first_record_id", sa.Text, nullable=False),
    sa.UniqueConstraint("record_id", "stage", "reviewer", name="uq_screening_decision"),
    sa.Index("ix_screening_decisions_stage", "stage", "reviewer"),
)

#: Records an automation tool found ineligible, with the rule that fired (since v3).
automated_exclusions = sa.Table(
    "automated_exclusions",
    metadata,
    sa.Column("record_id", sa.Text, sa.ForeignKey("records.record_id"), primary_key=True),
    sa.Column("stage", sa.Text, primary_key=True),
    sa.Column("tool", sa.Text, primary_key=True),
    sa.Column("rule", sa.Text, primary_key=True),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id")),
    sa.Column("decided_at", sa.Text, nullable=False),
)

#: Dual-screen samples: which reviewer screens which seeded sample (since v3).
screening_samples = sa.Table(
    "screening_samples",
    metadata,
    sa.Column("sample_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("stage", sa.Text, nullable=False),
    sa.Column("reviewer", sa.Text, nullable=False),
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("fraction", sa.Float),
    sa.Column("n", sa.Integer),
    sa.Column("stratify_by", sa.Text),
    sa.Column("population", sa.Integer, nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
)

#: The records of each sample.
screening_sample_records = sa.Table(
    "screening_sample_records",
    metadata,
    sa.Column(
        "sample_id", sa.Integer, sa.ForeignKey("screening_samples.sample_id"), primary_key=True
    ),
    sa.Column("record_id", sa.Text, sa.ForeignKey("records.record_id"), primary_key=True),
)

#: What ran: command, options, the versions of everything it used, a summary.
runs = sa.Table(
    "runs",
    metadata,
    sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("command", sa.Text, nullable=False),
    sa.Column("options", sa.Text, nullable=False),  # JSON
    sa.Column("versions", sa.Text, nullable=False),  # JSON
    sa.Column("summary", sa.Text, nullable=False),  # JSON
    sa.Column("started_at", sa.Text, nullable=False),
    sa.Column("finished_at", sa.Text, nullable=False),
)

#: Tables in an order that respects foreign keys (for deleting, copying).
TABLE_ORDER = (
    schema_version,
    runs,
    imports,
    records,
    clusters,
    dedupe_links,
    uncertain_pairs,
    pair_decisions,
    screening_stages,
    screening_decisions,
    automated_exclusions,
    screening_samples,
    screening_sample_records,
)
