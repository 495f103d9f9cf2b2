import pytest
from lxml import etree

from edudx.library import oai, services

from .helpers import make_resource, publish

NS = {"o": oai.OAI, "dc": oai.DC, "oai_dc": oai.OAI_DC, "lom": oai.LOM}


def get(client, **params):
    resp = client.get("/library/oai/", params)
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/xml")
    doc = etree.fromstring(resp.content)
    assert doc.tag == f"{{{oai.OAI}}}OAI-PMH"
    assert doc.find("o:responseDate", NS) is not None and doc.find("o:request", NS) is not None
    return doc


def error(doc):
    e = doc.find("o:error", NS)
    return e.get("code") if e is not None else None


@pytest.fixture
def records(city):
    rs = [publish(city, make_resource(city, title=f"Bài {i}: Hàm số bậc nhất")) for i in range(3)]
    make_resource(city, title="Bản nháp không được thu hoạch")
    services.resource_takedown(actor=city.actor_of("dept_officer"), resource=rs[2], reason="Sai kiến thức")
    return rs


@pytest.mark.django_db
def test_identify_and_formats_and_sets(client, records):
    doc = get(client, verb="Identify")
    assert doc.findtext("o:Identify/o:protocolVersion", namespaces=NS) == "2.0"
    assert doc.findtext("o:Identify/o:deletedRecord", namespaces=NS) == "transient"
    prefixes = [e.text for e in get(client, verb="ListMetadataFormats").iterfind(".//o:metadataPrefix", NS)]
    assert prefixes == ["oai_dc", "lom"]
    specs = [e.text for e in get(client, verb="ListSets").iterfind(".//o:setSpec", NS)]
    assert "subject:toan" in specs


@pytest.mark.django_db
def test_list_records_in_dublin_core_with_deleted_records_and_no_drafts(client, records):
    doc = get(client, verb="ListRecords", metadataPrefix="oai_dc")
    recs = doc.findall(".//o:record", NS)
    assert len(recs) == 3
    deleted = [r for r in recs if r.find("o:header", NS).get("status") == "deleted"]
    assert len(deleted) == 1 and deleted[0].find("o:metadata", NS) is None
    titles = [t.text for t in doc.iterfind(".//dc:title", NS)]
    assert "Bài 0: Hàm số bậc nhất" in titles and all("nháp" not in t for t in titles)
    assert doc.find(".//dc:rights", NS).text == "https://creativecommons.org/licenses/by/4.0/"


@pytest.mark.django_db
def test_get_record_in_lom_and_identifiers(client, records):
    ident = oai.oai_identifier(records[0].pk)
    doc = get(client, verb="GetRecord", identifier=ident, metadataPrefix="lom")
    assert doc.findtext(".//lom:general/lom:title/lom:string", namespaces=NS) == records[0].title
    ids = [
        e.text
        for e in get(client, verb="ListIdentifiers", metadataPrefix="oai_dc").iterfind(".//o:identifier", NS)
    ]
    assert ident in ids


@pytest.mark.django_db
def test_errors(client, records):
    assert error(get(client, verb="Dance")) == "badVerb"
    assert error(get(client)) == "badVerb"
    assert error(get(client, verb="ListRecords", metadataPrefix="marc21")) == "cannotDisseminateFormat"
    assert (
        error(get(client, verb="GetRecord", identifier="oai:x:library/99999", metadataPrefix="oai_dc"))
        == "idDoesNotExist"
    )
    assert error(get(client, verb="ListRecords")) == "badArgument"
    assert error(get(client, verb="Identify", foo="1")) == "badArgument"
    assert error(get(client, verb="ListRecords", resumptionToken="!!!")) == "badResumptionToken"
    assert (
        error(get(client, verb="ListRecords", metadataPrefix="oai_dc", set="subject:am_nhac"))
        == "noRecordsMatch"
    )
    assert (
        error(get(client, verb="ListRecords", metadataPrefix="oai_dc", **{"from": "2026-13-01"}))
        == "badArgument"
    )


@pytest.mark.django_db
def test_resumption_tokens_page_through_everything(client, records, monkeypatch):
    monkeypatch.setattr(oai, "PAGE", 2)
    doc = get(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = doc.find(".//o:resumptionToken", NS)
    assert token.get("completeListSize") == "3" and token.text
    seen = [e.text for e in doc.iterfind(".//o:header/o:identifier", NS)]
    doc2 = get(client, verb="ListIdentifiers", resumptionToken=token.text)
    seen += [e.text for e in doc2.iterfind(".//o:header/o:identifier", NS)]
    last = doc2.find(".//o:resumptionToken", NS)
    assert last is not None and not last.text  # the last page carries an empty token
    assert len(set(seen)) == 3
