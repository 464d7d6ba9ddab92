"""EndNote XML importer."""

from __future__ import annotations

import pytest

from evidencekit.core.errors import RecordFormatError
from evidencekit.core.importing import read_records
from evidencekit.core.model import Author

ZOTERO = """<?xml version="1.0" encoding="UTF-8"?>
<xml><records>
<record><ref-type name="Journal Article">17</ref-type>
<contributors><authors><author>Rotter, Carina</author><author>Whittaker, D.</author>
</authors></contributors>
<titles><title>Myoclonus in older <style face="italic">Cavalier</style> Spaniels</title>
<secondary-title>J Vet Intern Med</secondary-title></titles>
<periodical><full-title>Journal of veterinary internal medicine</full-title></periodical>
<pages>1032-38</pages><volume>36</volume><number>3</number>
<keywords><keyword>Dogs</keyword><keyword>Myoclonus</keyword></keywords>
<dates><year>2022</year></dates><isbn>1939-1676 0891-6640</isbn>
<electronic-resource-num>https://doi.org/10.1111/JVIM.16404</electronic-resource-num>
<abstract>BACKGROUND: Myoclonus &amp; more.</abstract><language>eng</language>
<urls><related-urls><url>https://example.org/a</url></related-urls></urls>
</record>
<record><rec-number>7</rec-number><titles><title>Second</title></titles>
<dates><pub-dates><date>May 2019</date></pub-dates></dates>
<accession-num>31366609</accession-num><remote-database-provider>NLM</remote-database-provider>
</record>
</records></xml>
"""


def test_fields_are_mapped(load) -> None:
    result = load(ZOTERO, "library.xml")
    assert result.format == "endnote-xml"
    first, second = result
    assert first.title == "Myoclonus in older Cavalier Spaniels"
    assert first.authors == [Author("Rotter", "Carina"), Author("Whittaker", "D.")]
    assert first.journal == "Journal of veterinary internal medicine"
    assert first.pages == "1032-1038" and first.issue == "3" and first.year == 2022
    assert first.doi == "10.1111/jvim.16404" and first.issn == ["1939-1676", "0891-6640"]
    assert first.abstract == "BACKGROUND: Myoclonus & more."
    assert first.keywords == ["Dogs", "Myoclonus"] and first.url == "https://example.org/a"
    assert first.publication_type == "Journal Article"
    assert first.source_key == "1" and second.source_key == "7"
    assert second.year == 2019 and second.pmid == "31366609"
    assert first.raw["titles/secondary-title"] == ["J Vet Intern Med"]
    assert [r.provenance.line for r in result] == [3, 16]


def test_malformed_and_truncated_xml(load) -> None:
    with pytest.raises(RecordFormatError, match=r"^bad.xml:6: the EndNote XML is malformed"):
        load(ZOTERO.replace("</title>\n<secondary", "</titel>\n<secondary"), "bad.xml")
    with pytest.raises(RecordFormatError, match=r"^cut.xml:\d+: .*truncated"):
        load(ZOTERO[:900], "cut.xml", format="endnote-xml")


def test_entity_declarations_are_refused(load) -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        "<xml><records><record><titles><title>&b;</title></titles></record></records></xml>"
    )
    with pytest.raises(RecordFormatError, match="declares a document type or entities"):
        load(bomb, "bomb.xml", format="endnote-xml")


def test_xml_that_is_not_endnote(load) -> None:
    with pytest.raises(RecordFormatError, match="no <record> element"):
        load("<html><body>hi</body></html>", "page.xml", format="endnote-xml")


def test_real_endnote_20_excerpt(excerpt, registry) -> None:
    result = read_records(excerpt("dedupe_sweep_tafenoquine.xml"), registry, source_name="X")
    assert len(result) == 2
    first = result[0]
    assert first.title == "8-Aminoquinoline Therapy for Latent Malaria"
    assert first.authors == [Author("Baird", "J. K.")]
    assert first.source_key == "19" and first.pmid == "31366609" and first.year == 2019
    assert first.journal == "Clin Microbiol Rev" and first.volume == "32"
