import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from edudx.library import cartridge, selectors, services
from edudx.library.schemas import CollectionIn

from .helpers import make_resource, pdf_bytes, publish

XSD = Path(__file__).resolve().parent.parent / "xsd"


def schema(name):
    return etree.XMLSchema(etree.parse(str(XSD / name)))


def validate_cartridge(data: bytes):
    zf = zipfile.ZipFile(io.BytesIO(data))
    names = set(zf.namelist())
    manifest = etree.fromstring(zf.read("imsmanifest.xml"))
    cp = schema("cc13_imscp.xsd")
    cp.assertValid(manifest)
    ns = {"cp": cartridge.CP}
    resources = {r.get("identifier"): r for r in manifest.findall(".//cp:resource", ns)}
    for item in manifest.findall(".//cp:item[@identifierref]", ns):
        assert item.get("identifierref") in resources
    root = manifest.find("cp:organizations/cp:organization/cp:item", ns)
    assert root.get("identifierref") is None
    for r in resources.values():
        for f in r.findall("cp:file", ns):
            assert f.get("href") in names
        if r.get("type") == "imswl_xmlv1p3":
            schema("cc13_imswl.xsd").assertValid(etree.fromstring(zf.read(r.find("cp:file", ns).get("href"))))
    return zf, manifest


@pytest.mark.django_db
def test_collection_exports_as_a_valid_common_cartridge_in_order_with_notes(city):
    a = publish(
        city,
        make_resource(
            city,
            title="Truyện Kiều – Nguyễn Du",
            upload=("kiều.pdf", pdf_bytes("Trăm năm trong cõi người ta")),
        ),
    )
    b = publish(
        city,
        make_resource(
            city,
            title="Video bài giảng",
            data={"resource_type": "link", "url": "https://www.youtube.com/watch?v=x"},
        ),
    )
    actor = city.actor_of("teacher")
    col = services.collection_create(
        actor=actor, school=city.schools[0], data=CollectionIn(title="Ngữ văn 10 – Truyện Kiều")
    )
    services.collection_add(actor=actor, collection=col, resource=b)
    services.collection_add(actor=actor, collection=col, resource=a, note="Đọc trước ở nhà")
    data = cartridge.build(col, selectors.collection_items(scope=actor.scope, collection=col))
    zf, manifest = validate_cartridge(data)
    ns = {"cp": cartridge.CP, "lomimscc": cartridge.LOMM}
    assert manifest.findtext("cp:metadata/cp:schemaversion", namespaces=ns) == "1.3.0"
    titles = [t.text for t in manifest.findall(".//cp:item/cp:title", ns)]
    assert titles == ["Video bài giảng", "Ghi chú: Truyện Kiều – Nguyễn Du", "Truyện Kiều – Nguyễn Du"]
    pdfs = [n for n in zf.namelist() if n.endswith(".pdf")]
    assert len(pdfs) == 1 and zf.read(pdfs[0]) == a.current_version.file.open("rb").read()


@pytest.mark.django_db
def test_an_empty_collection_still_exports_a_valid_cartridge(city):
    actor = city.actor_of("teacher")
    col = services.collection_create(actor=actor, school=city.schools[0], data=CollectionIn(title="Trống"))
    validate_cartridge(cartridge.build(col, []))


def test_the_schema_rejects_a_broken_manifest():
    bad = etree.fromstring(
        f'<manifest xmlns="{cartridge.CP}" identifier="m"><metadata><schema>IMS Common Cartridge</schema>'
        "<schemaversion>1.1.0</schemaversion></metadata><organizations/><resources>"
        '<resource identifier="r" type="webcontent"><file href="../etc/passwd"/></resource></resources></manifest>'
    )
    assert not schema("cc13_imscp.xsd").validate(bad)
