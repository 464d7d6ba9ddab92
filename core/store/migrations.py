"""The ordered migrations that create and change the store's schema.

Each migration has a version (1, 2, ...), a one-line description and a function
run inside the migration transaction. Opening a store applies every migration
newer than the store's ``schema_version`` in order, all in one transaction, so a
store is either fully migrated or left as it was. Migrations are history: never
edit one that has shipped; add a new one.

Migration 1 defines its tables in its own ``MetaData`` (a frozen copy of the
schema as it was) so later changes to :mod:`.schema` never change what it does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa


@dataclass(frozen=True)
class Migration:
    """One step of the schema's history."""

    version: int
    description: str
    apply: Callable[[sa.Connection], None]


def _v1_initial(conn: sa.Connection) -> None:
    # Repeats schema.py on purpose: a shipped migration is frozen history (schema.py moves on).
    md = sa.MetaData()
    sa.Table(
        "schema_version",
        md,
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("applied_at", sa.Text, nullable=False),
    )
    sa.Table(
        "runs",
        md,
        sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("command", sa.Text, nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("versions", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("started_at", sa.Text, nullable=False),
        sa.Column("finished_at", sa.Text, nullable=False),
    )
    sa.Table(
        "imports",
        md,
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
        sa.Index("ix_imports_sha256", "sha256"),
    )
    sa.Table(
        "records",
        md,
        sa.Column("record_id", sa.Text, primary_key=True),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.import_id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("line", sa.Integer),
        sa.Column("source_key", sa.Text, nullable=False),
        *(sa.Column(name, sa.Text, nullable=False) for name in ("title", "abstract", "authors")),
        sa.Column("year", sa.Integer),
        *(
            sa.Column(name, sa.Text, nullable=False)
            for name in (
                "journal",
                "volume",
                "issue",
                "pages",
                "doi",
                "pmid",
                "issn",
                "isbn",
                "language",
                "keywords",
                "publication_type",
                "url",
                "raw",
            )
        ),
        sa.Index("ix_records_import", "import_id", "position"),
    )
    sa.Table(
        "clusters",
        md,
        sa.Column("record_id", sa.Text, sa.ForeignKey("records.record_id"), primary_key=True),
        sa.Column("cluster_id", sa.Text, nullable=False),
        sa.Column("is_primary", sa.Boolean, nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id"), nullable=False),
        sa.Index("ix_clusters_cluster", "cluster_id"),
    )
    sa.Table(
        "dedupe_links",
        md,
        sa.Column("a", sa.Text, sa.ForeignKey("records.record_id"), primary_key=True),
        sa.Column("b", sa.Text, sa.ForeignKey("records.record_id"), primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id"), nullable=False),
    )
    sa.Table(
        "uncertain_pairs",
        md,
        sa.Column("pair_id", sa.Text, primary_key=True),
        sa.Column("a", sa.Text, sa.ForeignKey("records.record_id"), nullable=False),
        sa.Column("b", sa.Text, sa.ForeignKey("records.record_id"), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id"), nullable=False),
    )
    sa.Table(
        "pair_decisions",
        md,
        sa.Column("decision_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("a", sa.Text, sa.ForeignKey("records.record_id"), nullable=False),
        sa.Column("b", sa.Text, sa.ForeignKey("records.record_id"), nullable=False),
        sa.Column("decision", sa.Text, nullable=False),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("decided_at", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Index("ix_pair_decisions_pair", "a", "b"),
    )
    md.create_all(conn)


def _v2_import_warnings(conn: sa.Connection) -> None:
    # Keep each import's warnings (records without a title, ...) so they can be
    # shown again later; index the identifiers the exact deduplicator and
    # `records show` look records up by.
    conn.exec_driver_sql("ALTER TABLE imports ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]'")
    conn.exec_driver_sql("CREATE INDEX ix_records_doi ON records (doi)")
    conn.exec_driver_sql("CREATE INDEX ix_records_pmid ON records (pmid)")


def _v3_screening(conn: sa.Connection) -> None:
    # Screening (docs/screening.md). Frozen like migration 1: the tables are
    # defined here, not taken from schema.py.
    md = sa.MetaData()
    sa.Table("records", md, sa.Column("record_id", sa.Text, primary_key=True))
    sa.Table("runs", md, sa.Column("run_id", sa.Integer, primary_key=True))
    sa.Table(
        "screening_stages",
        md,
        sa.Column("stage", sa.Text, primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("settings", sa.Text, nullable=False),
        sa.Column("declared_at", sa.Text, nullable=False),
    )
    sa.Table(
        "screening_decisions",
        md,
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
    sa.Table(
        "automated_exclusions",
        md,
        sa.Column("record_id", sa.Text, sa.ForeignKey("records.record_id"), primary_key=True),
        sa.Column("stage", sa.Text, primary_key=True),
        sa.Column("tool", sa.Text, primary_key=True),
        sa.Column("rule", sa.Text, primary_key=True),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id")),
        sa.Column("decided_at", sa.Text, nullable=False),
    )
    sa.Table(
        "screening_samples",
        md,
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
    sa.Table(
        "screening_sample_records",
        md,
        sa.Column(
            "sample_id", sa.Integer, sa.ForeignKey("screening_samples.sample_id"), primary_key=True
        ),
        sa.Column("record_id", sa.Text, sa.ForeignKey("records.record_id"), primary_key=True),
    )
    for name in (
        "screening_stages",
        "screening_decisions",
        "automated_exclusions",
        "screening_samples",
        "screening_sample_records",
    ):
        md.tables[name].create(conn)


#: Every migration, oldest first. The store's version is the last one applied.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema: imports, records, clusters, links, decisions, runs", _v1_initial),
    Migration(2, "imports.warnings; indexes on records.doi and records.pmid", _v2_import_warnings),
    Migration(
        3, "screening: stages, decisions, automated exclusions, dual-screen samples", _v3_screening
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version
