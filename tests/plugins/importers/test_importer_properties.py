"""Property tests: any input gives records or a deliberate RecordFormatError, nothing else.

Each importer is fed random text and mutated real samples (lines dropped, duplicated or
swapped, junk bytes inserted, the file cut short). A RecordFormatError raised *from* another
exception means an importer crashed and the safety net caught it: that fails these tests
too, so they find real parser bugs rather than hiding them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidencekit.core.errors import RecordFormatError
from evidencekit.core.importing import records_from_source, source_from_bytes
from evidencekit.core.model import Record

EXCERPTS = Path(__file__).resolve().parents[2] / "data" / "exports"

MEDLINE = b"""PMID- 28441597
OWN - NLM
DP  - 2017 Nov 15
TI  - Differences in nitrate and phosphorus export between wooded and grassed riparian
      zones from farmland to receiving waterways.
PG  - 188-97
LID - 10.1016/j.scitotenv.2017.04.075 [doi]
AB  - Agricultural activities in catchments can cause excessive nutrient loads.
FAU - Smith, Jane A
AU  - Smith JA
CN  - Riparian Study Group
JT  - The Science of the total environment

PMID- 30000001
DP  - 2019
BTI - Handbook of implementation science
AU  - Doe J
"""

BIBTEX = rb"""@string{jmh = "Journal of Mental Health"}
@article{smith2019,
  author = {M{\"u}ller, J{\"o}rg and {World Health Organization} and others},
  title = {Peer support {workers}: facilitators {\&} barriers -- a review},
  journal = jmh, year = 2019, pages = {123--30},
  doi = {10.1080/09638237.2019.1608935},
}
@inproceedings{lee2020,
  author = "Lee, Kim", title = "Conference paper", booktitle = "Proc", date = {2020-05-01},
}
"""

SCOPUS = (
    b'"Authors","Author full names","Title","Year","Source title","Page start","Page end",'
    b'"DOI","Abstract","Funding Text 1","Source","EID"\n'
    b'"Liu F.; Li C.","Liu, Fengyuan (60410297700); Li, Chunyun (58862216200)",'
    b'"Quantitative analysis","2024","Digital Health","1","9","10.1177/2055207626","An '
    b'abstract.","Grant 1","Scopus","2-s2.0-1"\n'
    b'"Phillips J.C., Braun R.","","Second","2005","J Comp Chem","1781","1802","","x",'
    b'"Grant 2","Extra funding","Scopus","2-s2.0-2"\n'
)


def _excerpt(name: str, limit: int = 12_000) -> bytes:
    return (EXCERPTS / name).read_bytes()[:limit]


SAMPLES: dict[str, bytes] = {
    "ris": _excerpt("asreview_ovid_zotero.ris"),
    "wos": _excerpt("rispy_example_wos.ris", 20_000),
    "medline": MEDLINE,
    "bibtex": BIBTEX,
    "endnote-xml": _excerpt("dedupe_sweep_tafenoquine.xml", 20_000),
    "scopus-csv": SCOPUS,
    "csv": _excerpt("litstudy_ieee.csv", 20_000),
}


def _import(data: bytes, fmt: str | None, registry) -> list[Record]:
    """Import; a deliberate RecordFormatError is fine, a crash is not."""
    try:
        source = source_from_bytes(data, "fuzz.dat")
        result = records_from_source(
            source, registry, format=fmt, source_name="fuzz", options={"impossible_year": "warn"}
        )
    except RecordFormatError as exc:
        assert exc.__cause__ is None, f"an importer crashed: {exc.__cause__!r}"
        assert str(exc).startswith("fuzz.dat")
        return []
    assert all(isinstance(record, Record) for record in result)
    assert all(isinstance(w, str) for w in result.warnings)
    return list(result)


@st.composite
def mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """A real sample with a few realistic kinds of damage."""
    for op in draw(
        st.lists(
            st.sampled_from(["drop", "duplicate", "swap", "junk", "truncate", "blank"]),
            min_size=1,
            max_size=4,
        )
    ):
        lines = data.split(b"\n")
        if op == "drop" and len(lines) > 1:
            del lines[draw(st.integers(0, len(lines) - 1))]
            data = b"\n".join(lines)
        elif op == "duplicate":
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            data = b"\n".join(lines)
        elif op == "swap" and len(lines) > 1:
            i = draw(st.integers(0, len(lines) - 2))
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
            data = b"\n".join(lines)
        elif op == "junk":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif op == "truncate" and data:
            data = data[: draw(st.integers(0, len(data) - 1))]
        elif op == "blank":
            i = draw(st.integers(0, len(lines) - 1))
            lines[i] = b""
            data = b"\n".join(lines)
    return data


FORMATS = sorted(SAMPLES)
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_samples_import_cleanly(fmt: str, registry) -> None:
    records = _import(SAMPLES[fmt], None, registry)
    assert records and all(r.title for r in records)
    assert records[0].provenance.format == fmt


@pytest.mark.parametrize("fmt", FORMATS)
@PROPERTY
@given(data=st.data())
def test_mutated_samples_never_crash(fmt: str, data: st.DataObject, registry) -> None:
    damaged = data.draw(mutations(SAMPLES[fmt]))
    _import(damaged, fmt, registry)
    _import(damaged, None, registry)


@pytest.mark.parametrize("fmt", FORMATS)
@PROPERTY
@given(text=st.text(max_size=400))
def test_random_text_never_crashes(fmt: str, text: str, registry) -> None:
    _import(text.encode("utf-8"), fmt, registry)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blob=st.binary(max_size=400))
def test_random_bytes_never_crash(blob: bytes, registry) -> None:
    _import(blob, None, registry)


@PROPERTY
@given(
    text=st.lists(
        st.sampled_from(
            [
                "TY  - JOUR",
                "ER  - ",
                "TI  - t",
                "AU  - a, b",
                "PY  - 2001",
                "1.",
                "",
                "  cont",
                "PT J",
                "ER",
                "EF",
                "PMID- 1",
                "      x",
                "@article{k,",
                "title={x},",
                "}",
                "<record>",
                "</record>",
                "Title,Year",
                "a,2001",
                '"',
                "PY  - 0",
                "SP  - 12",
                "EP  - 3",
            ]
        ),
        max_size=30,
    ).map("\n".join)
)
def test_shuffled_format_fragments_never_crash(text: str, registry) -> None:
    for fmt in (None, *FORMATS):
        _import(text.encode(), fmt, registry)
