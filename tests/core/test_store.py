"""The store: schema and migrations, transactions, concurrency, row round trips.

Every store test runs on SQLite and, when the PostgreSQL server binaries
(initdb, pg_ctl) and psycopg are installed, on a throwaway PostgreSQL cluster
started for the session on a free loopback port (tests/postgres_fixture.py).
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidencekit.core.errors import StoreError
from evidencekit.core.model import Author, Provenance, Record
from evidencekit.core.store import open_store, rows, schema
from evidencekit.core.store.db import Store
from evidencekit.core.store.migrations import LATEST_VERSION, MIGRATIONS


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL for a new, empty store on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'evidencekit.sqlite'}"
    return request.getfixturevalue("postgres").new_database()


# -- helpers -------------------------------------------------------------------------------


def make_record(i: int, **fields) -> Record:
    data = dict(
        title=f"Peer support work {i}",
        abstract="An abstract.",
        authors=[Author("Smith", "Jane"), Author("Ó Briain", "Seán")],
        year=2000 + i,
        journal="Psychiatric Services",
        volume="12",
        issue="3",
        pages="100-110",
        doi=f"10.1000/ps.{i}",
        pmid=str(1000 + i),
        issn=["1075-2730"],
        isbn=[],
        language="eng",
        keywords=["peer support", "mental health"],
        publication_type="Journal Article",
        url="",
        source_key=f"K{i}",
        raw={"TI": [f"Peer support work {i}"], "XX": "kept as is"},
        provenance=Provenance(source="MEDLINE", position=i, line=10 * i),
    )
    data.update(fields)
    return Record(**data)


def add_file(
    store: Store, records: list[Record], sha: str = "a" * 64, source: str = "MEDLINE"
) -> int:
    with store.write() as conn:
        import_id = rows.add_import(
            conn,
            source=source,
            kind="database",
            file="medline.ris",
            sha256=sha,
            date_searched="2020-01-31",
            format="ris",
            encoding="utf-8",
            record_count=len(records),
            new_records=len(records),
            warnings=["w1"],
        )
        rows.add_records(
            conn,
            [
                rows.record_row(
                    r,
                    f"r{sha[:12]}-{r.provenance.position}",
                    import_id,
                    position=r.provenance.position,
                    source_key=r.source_key,
                )
                for r in records
            ],
        )
    return import_id


def count(store: Store) -> int:
    with store.read() as conn:
        return rows.record_count(conn)


# -- schema and migrations -----------------------------------------------------------------


def test_new_store_has_latest_schema_matching_metadata(store_url: str) -> None:
    with open_store(store_url, create=True) as store:
        assert store.version == LATEST_VERSION
        with store.read() as conn:
            inspector = sa.inspect(conn)
            versions = conn.execute(sa.select(schema.schema_version.c.version)).scalars().all()
            assert versions == [m.version for m in MIGRATIONS]
            # The migrations and the schema module describe the same tables and columns.
            for table in schema.metadata.sorted_tables:
                found = {c["name"] for c in inspector.get_columns(table.name)}
                assert found == {c.name for c in table.columns}, table.name
                indexes = {i["name"] for i in inspector.get_indexes(table.name)}
                assert {i.name for i in table.indexes} <= indexes, table.name


def test_opening_again_does_not_migrate_again(store_url: str) -> None:
    open_store(store_url, create=True).close()
    with open_store(store_url) as store, store.read() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(schema.schema_version)).scalar()
    assert n == len(MIGRATIONS)


def test_version_1_store_is_migrated_and_keeps_its_data(store_url: str) -> None:
    # Build a store as version 1 of the code left it, with one import and one record.
    url = sa.make_url(store_url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        MIGRATIONS[0].apply(conn)
        conn.execute(
            schema.schema_version.insert().values(
                version=1, description=MIGRATIONS[0].description, applied_at="2020-01-01"
            )
        )
        conn.exec_driver_sql(
            "INSERT INTO imports (source, kind, file, sha256, format, imported_at, "
            "record_count, new_records) VALUES ('Embase', 'database', 'e.ris', 'abc', 'ris', "
            "'2020-01-01', 1, 1)"
        )
        conn.exec_driver_sql(
            "INSERT INTO records (record_id, import_id, position, source_key, title, abstract,"
            " authors, year, journal, volume, issue, pages, doi, pmid, issn, isbn, language, "
            "keywords, publication_type, url, raw) VALUES ('rabc-1', 1, 1, '1', 'Old title', "
            "'', '[]', 1999, '', '', '', '', '10.1/old', '', '[]', '[]', '', '[]', '', '', '{}')"
        )
    engine.dispose()

    with open_store(store_url) as store:
        assert store.version == LATEST_VERSION == 3
        with store.read() as conn:
            # v3's screening tables exist, empty, and accept the old record.
            assert (
                conn.execute(
                    sa.select(sa.func.count()).select_from(schema.screening_decisions)
                ).scalar()
                == 0
            )
            conn.execute(
                schema.screening_decisions.insert().values(
                    record_id="rabc-1",
                    stage="title-abstract",
                    reviewer="ann",
                    decision="include",
                    reason="",
                    note="",
                    study_id="",
                    decided_at="2020-01-02",
                    origin="test",
                    first_record_id="rabc-1",
                )
            )
            info = rows.imports(conn)[1]
            assert info.warnings == []  # the column v2 added, with its default
            (record,) = rows.load_records(conn)
            assert (record.record_id, record.title, record.year, record.doi) == (
                "rabc-1",
                "Old title",
                1999,
                "10.1/old",
            )
            assert record.provenance.source == "Embase"
            indexes = {i["name"] for i in sa.inspect(conn).get_indexes("records")}
            assert {"ix_records_doi", "ix_records_pmid"} <= indexes


def test_store_newer_than_the_code_is_refused(store_url: str) -> None:
    with open_store(store_url, create=True) as store, store.write() as conn:
        conn.execute(
            schema.schema_version.insert().values(
                version=LATEST_VERSION + 1, description="future", applied_at="2099-01-01"
            )
        )
    with pytest.raises(StoreError, match="newer than this evidencekit knows"):
        open_store(store_url)


def test_foreign_database_is_refused(store_url: str) -> None:
    url = sa.make_url(store_url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    engine.dispose()
    with pytest.raises(StoreError, match="not an evidencekit store"):
        open_store(store_url, create=True)


def test_missing_sqlite_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"no store at .*evidencekit import"):
        open_store(f"sqlite:///{tmp_path / 'evidencekit.sqlite'}")
    assert not (tmp_path / "evidencekit.sqlite").exists()


@pytest.mark.parametrize(
    "url, message",
    [
        ("not a url at all", "not a database URL"),
        ("mysql://host/db", "only sqlite and postgresql"),
    ],
)
def test_bad_urls(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        open_store(url)


def test_unreachable_postgresql_is_a_store_error_without_password() -> None:
    pytest.importorskip("psycopg")
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql://someone:secret@127.0.0.1:{port}/nothing"
    with pytest.raises(StoreError) as info:
        open_store(url, timeout=1)
    assert "secret" not in str(info.value)
    assert "***" in str(info.value)


def test_sqlite_pragmas(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    with open_store(url, create=True) as store, store.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


# -- rows ----------------------------------------------------------------------------------


def test_records_round_trip(store_url: str) -> None:
    records = [make_record(i) for i in range(1, 4)]
    records[1].title = "Nul\x00 in a title, «quotes», 日本語"
    records[2].year = None
    records[2].authors = []
    with open_store(store_url, create=True) as store:
        import_id = add_file(store, records)
        with store.read() as conn:
            loaded = rows.load_records(conn)
            info = rows.imports(conn)[import_id]
    assert info.warnings == ["w1"] and info.date_searched == "2020-01-31"
    assert [r.record_id for r in loaded] == [
        "raaaaaaaaaaaa-1",
        "raaaaaaaaaaaa-2",
        "raaaaaaaaaaaa-3",
    ]
    assert loaded[1].title == "Nul in a title, «quotes», 日本語"  # NUL dropped
    for original, back in zip(records, loaded, strict=True):
        expected = original.to_dict()
        got = back.to_dict()
        expected["title"] = expected["title"].replace("\x00", "")
        expected["record_id"] = back.record_id
        expected["provenance"] = {
            "source": "MEDLINE",
            "kind": "database",
            "file": "medline.ris",
            "position": original.provenance.position,
            "line": original.provenance.line,
            "format": "ris",
            "date_searched": "2020-01-31",
        }
        assert got == expected


def test_load_records_by_id_and_source_without_raw(store_url: str) -> None:
    with open_store(store_url, create=True) as store:
        add_file(store, [make_record(i) for i in range(1, 4)], sha="a" * 64, source="MEDLINE")
        add_file(store, [make_record(i) for i in range(1, 3)], sha="b" * 64, source="Embase")
        with store.read() as conn:
            picked = rows.load_records(
                conn, record_ids=["rbbbbbbbbbbbb-2", "raaaaaaaaaaaa-1"], with_raw=False
            )
            embase = rows.load_records(conn, source="Embase")
            assert rows.existing_ids(conn, ["raaaaaaaaaaaa-3", "nope"]) == {"raaaaaaaaaaaa-3"}
    assert [r.record_id for r in picked] == ["rbbbbbbbbbbbb-2", "raaaaaaaaaaaa-1"]
    assert all(r.raw == {} for r in picked)
    assert [r.provenance.source for r in embase] == ["Embase", "Embase"]


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=texts,
    family=texts,
    given_=texts,
    keyword=texts,
    raw_value=texts,
    year=st.one_of(st.none(), st.integers(1000, 2100)),
)
def test_any_text_round_trips_on_sqlite(
    tmp_path: Path,
    title: str,
    family: str,
    given_: str,
    keyword: str,
    raw_value: str,
    year: int | None,
) -> None:
    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    with open_store(url, create=True) as store:
        with store.write() as conn:
            conn.execute(schema.records.delete())
            conn.execute(schema.imports.delete())
        record = make_record(
            1,
            title=title,
            authors=[Author(family, given_)],
            year=year,
            keywords=[keyword],
            raw={"k": [raw_value]},
        )
        add_file(store, [record])
        with store.read() as conn:
            (back,) = rows.load_records(conn)
    clean = lambda s: s.replace("\x00", "")  # noqa: E731
    assert back.title == clean(title)
    assert back.authors == [Author(clean(family), clean(given_))]
    assert back.keywords == [clean(keyword)]
    assert back.raw == {"k": [raw_value]}  # raw JSON keeps even NUL (escaped as \u0000)
    assert back.year == year


# -- transactions and concurrency ------------------------------------------------------------


def test_failed_write_leaves_store_unchanged(store_url: str) -> None:
    with open_store(store_url, create=True) as store:
        add_file(store, [make_record(1)])
        with pytest.raises(RuntimeError), store.write() as conn:
            rows.add_import(
                conn,
                source="X",
                kind="database",
                file="x",
                sha256="c" * 64,
                format="ris",
                encoding=None,
                record_count=1,
                new_records=1,
            )
            rows.add_records(
                conn, [rows.record_row(make_record(2), "rx-1", 1, position=1, source_key="1")]
            )
            raise RuntimeError("half-way")
        assert count(store) == 1
        with store.read() as conn:
            assert list(rows.imports(conn)) == [1]


def test_duplicate_record_id_is_a_store_error_and_rolls_back(store_url: str) -> None:
    with open_store(store_url, create=True) as store:
        add_file(store, [make_record(1)])
        with pytest.raises(StoreError, match="refused a change"):
            add_file(store, [make_record(1)])  # same sha and position: same id
        assert count(store) == 1
        with store.read() as conn:
            assert len(rows.imports(conn)) == 1


def test_second_sqlite_writer_gets_a_clear_busy_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'evidencekit.sqlite'}"
    first = open_store(url, create=True)
    second = open_store(url, timeout=0.2)
    try:
        with first.write() as conn:
            rows.add_import(
                conn,
                source="A",
                kind="database",
                file="a",
                sha256="a" * 64,
                format="ris",
                encoding=None,
                record_count=0,
                new_records=0,
            )
            # A reader is not blocked by the writer (WAL) and sees the old state.
            with second.read() as rconn:
                assert rows.imports(rconn) == {}
            busy = pytest.raises(StoreError, match="busy: another evidencekit command")
            with busy, second.write() as conn2:
                rows.add_import(
                    conn2,
                    source="B",
                    kind="database",
                    file="b",
                    sha256="b" * 64,
                    format="ris",
                    encoding=None,
                    record_count=0,
                    new_records=0,
                )
        # Once the first writer committed, the second can write.
        with second.write() as conn2:
            rows.add_import(
                conn2,
                source="B",
                kind="database",
                file="b",
                sha256="b" * 64,
                format="ris",
                encoding=None,
                record_count=0,
                new_records=0,
            )
        with second.read() as conn:
            assert [i.source for i in rows.imports(conn).values()] == ["A", "B"]
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        first.close()
        second.close()


def test_writers_in_threads_queue_and_all_commit(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'evidencekit.sqlite'}"
    open_store(url, create=True).close()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with open_store(url, timeout=30) as store:
                add_file(
                    store, [make_record(i) for i in range(1, 51)], sha=f"{n:x}" * 64, source=f"S{n}"
                )
        except BaseException as err:  # collected for the assertion below
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with open_store(url) as store:
        assert count(store) == 200


# -- clusters, decisions, runs ---------------------------------------------------------------


def test_dedupe_tables_replace_and_decision_history(store_url: str) -> None:
    with open_store(store_url, create=True) as store:
        add_file(store, [make_record(i) for i in range(1, 4)])
        a, b, c = (f"raaaaaaaaaaaa-{i}" for i in range(1, 4))
        with store.write() as conn:
            run = rows.add_run(
                conn,
                "dedupe",
                options={"method": "x"},
                versions={"v": 1},
                summary={},
                started_at="2020-01-01T00:00:00+00:00",
            )
            rows.replace_dedupe(
                conn,
                run,
                "x",
                [(a, a, True), (b, a, False), (c, c, True)],
                [(a, b, "doi", 1.0)],
                [("p1", a, c, "title", 0.7)],
            )
            rows.update_run_summary(conn, run, {"unique": 2})
        with store.write() as conn:  # a second run replaces the first run's rows
            run2 = rows.add_run(
                conn,
                "dedupe",
                options={},
                versions={},
                summary={},
                started_at="2020-01-02T00:00:00+00:00",
            )
            rows.replace_dedupe(
                conn,
                run2,
                "y",
                [(a, a, True), (b, b, True), (c, c, True)],
                [],
                [("p2", b, c, "title", 0.6)],
            )
            rows.add_decisions(conn, [{"a": a, "b": b, "decision": "same", "who": "ann"}])
            rows.add_decisions(
                conn,
                [
                    {
                        "a": a,
                        "b": b,
                        "decision": "different",
                        "who": "bob",
                        "note": "different samples",
                    }
                ],
            )
        with store.read() as conn:
            clusters = rows.cluster_map(conn)
            assert {r: (c_.cluster_id, c_.is_primary) for r, c_ in clusters.items()} == {
                a: (a, True),
                b: (b, True),
                c: (c, True),
            }
            assert rows.links(conn) == []
            assert [p["pair_id"] for p in rows.uncertain_pairs(conn)] == ["p2"]
            latest = rows.latest_decisions(conn)
            assert latest[(a, b)]["decision"] == "different"
            assert latest[(a, b)]["who"] == "bob"
            history = rows.runs(conn, "dedupe")
            assert [h["summary"] for h in history] == [{"unique": 2}, {}]
            assert history[0]["options"] == {"method": "x"}


def test_json_columns_are_plain_json_text(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'evidencekit.sqlite'}"
    with open_store(url, create=True) as store:
        add_file(store, [make_record(1)])
        with store.read() as conn:
            row = conn.execute(sa.select(schema.records.c.authors, schema.records.c.raw)).one()
    assert json.loads(row.authors) == [["Smith", "Jane"], ["Ó Briain", "Seán"]]
    assert json.loads(row.raw)["XX"] == "kept as is"


def test_relative_sqlite_path_is_relative_to_the_review(tmp_path: Path, monkeypatch) -> None:
    from evidencekit.core.review import Review
    from evidencekit.core.store import sqlite_file, store_url

    review = Review(root=tmp_path / "rev", config={"store": "sqlite:///state/s.sqlite"})
    (tmp_path / "rev" / "state").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    expected = (tmp_path / "rev" / "state" / "s.sqlite").resolve()
    assert store_url(review) == f"sqlite:///{expected}"
    assert sqlite_file(review) == expected
    open_store(review, create=True).close()
    assert expected.exists()
    assert sqlite_file("postgresql://h/db") is None


def test_a_file_that_is_not_sqlite_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "evidencekit.sqlite"
    path.write_text("not a database, just text " * 20, encoding="utf-8")
    with pytest.raises(StoreError, match="file is not a database"):
        open_store(f"sqlite:///{path}")
