"""Encoding detection of export files (evidencekit.core.encoding)."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidencekit.core.encoding import decode_bytes, line_of_byte
from evidencekit.core.errors import RecordFormatError

TEXT = "TY  - JOUR\nTI  - Peer support in Zürich: “café” méthode – ½ dose\nER  - \n"


@pytest.mark.parametrize(
    ("data", "codec", "label"),
    [
        (TEXT.encode("utf-8"), "utf-8", "UTF-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8", "UTF-8 with BOM"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le", "UTF-16 LE with BOM"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be", "UTF-16 BE with BOM"),
        (TEXT.encode("utf-16-le"), "utf-16-le", "UTF-16 LE without BOM"),
        (TEXT.encode("utf-16-be"), "utf-16-be", "UTF-16 BE without BOM"),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32-le", "UTF-32 LE with BOM"),
        (TEXT.encode("cp1252"), "cp1252", "Windows-1252"),
    ],
)
def test_each_encoding_is_detected_and_named(data: bytes, codec: str, label: str) -> None:
    decoded = decode_bytes(data, file="x.ris")
    assert decoded.text == TEXT
    assert decoded.encoding == codec
    assert decoded.label == label
    assert decoded.bom == ("BOM" in label and "without" not in label)


def test_latin1_when_windows_1252_leaves_a_byte_undefined() -> None:
    # 0x81 is undefined in Windows-1252; Latin-1 maps it (to a C1 control).
    decoded = decode_bytes("Gr\u00fc\u00dfe ".encode("latin-1") + b"\x81 ok\n", file="x.txt")
    assert decoded.encoding == "latin-1"
    assert decoded.text.startswith("Grüße ")


def test_windows_1252_specials_are_read_as_such() -> None:
    decoded = decode_bytes(b"\x93quoted\x94 \x96 dash \x80 euro\n", file="x.txt")
    assert decoded.text == "\u201cquoted\u201d \u2013 dash \u20ac euro\n"


def test_a_stray_byte_in_a_utf8_file_is_an_error_naming_line_and_column() -> None:
    data = "line one\nZürich café\nthe word na".encode() + b"\xefve here\n"
    with pytest.raises(RecordFormatError) as info:
        decode_bytes(data, file="mixed.ris")
    message = str(info.value)
    assert message.startswith("mixed.ris:3: ")
    assert "0xEF" in message and "column 12" in message and "mixes encodings" in message
    assert info.value.line == 3 and info.value.file == "mixed.ris"


def test_a_damaged_utf16_file_names_its_line() -> None:
    data = codecs.BOM_UTF16_LE + "a\nb\n".encode("utf-16-le") + b"\x00\xdc"  # lone surrogate
    with pytest.raises(RecordFormatError) as info:
        decode_bytes(data, file="u.txt")
    assert info.value.line == 3


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02\x03\x04\x05binary" * 20,
        bytes(range(256)) * 4,
        b"TY  - JOUR\n\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 10,
    ],
)
def test_binary_data_is_refused(data: bytes) -> None:
    with pytest.raises(RecordFormatError, match="not a text export") as info:
        decode_bytes(data, file="b.bin")
    assert info.value.line is not None


def test_a_forced_encoding_is_used_and_checked() -> None:
    assert decode_bytes("é\n".encode("cp1252"), file="x", encoding="latin-1").text == "é\n"
    with pytest.raises(RecordFormatError, match="unknown text encoding"):
        decode_bytes(b"x", file="x", encoding="no-such-codec")
    with pytest.raises(RecordFormatError, match="not valid utf-8"):
        decode_bytes(b"ok\n\xff\n", file="x", encoding="utf-8")


def test_line_of_byte_counts_line_breaks() -> None:
    assert line_of_byte(b"a\nb\nc", 0) == 1
    assert line_of_byte(b"a\nb\nc", 4) == 3
    assert line_of_byte("a\nb\n".encode("utf-16-le"), 4, "utf-16-le") == 2


@settings(deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_decode_or_raise_a_record_format_error(data: bytes) -> None:
    try:
        decoded = decode_bytes(data, file="fuzz")
    except RecordFormatError as exc:
        assert str(exc).startswith("fuzz")
    else:
        assert isinstance(decoded.text, str)


@settings(deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=200),
    st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]),
)
def test_any_text_round_trips_through_a_unicode_encoding(text: str, codec: str) -> None:
    decoded = decode_bytes(text.encode(codec), file="x")
    assert decoded.text == text
