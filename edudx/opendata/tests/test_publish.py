"""Publishing open data: the department publishes, anyone reads; files, dictionary and DCAT
describe the same figures; no published pupil count is under the threshold."""

from __future__ import annotations

import csv
import io
import json

import polars as pl
import pytest
from django.urls import reverse

from edudx.core.actor import Actor
from edudx.core.errors import NotFound, PermissionDenied
from edudx.core.history import HistoryEntry
from edudx.core.roles import Role
from edudx.opendata import services
from edudx.opendata.models import Publication
from edudx.registry.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_department_publishes_and_anyone_downloads(city, client_for, client):
    officer = client_for(Role.DEPT_OFFICER)
    response = officer.post(reverse("opendata:publish", kwargs={"dataset": "hoc-sinh-theo-phuong-khoi"}))
    assert response.status_code == 302
    pub = Publication.objects.get(dataset="hoc-sinh-theo-phuong-khoi")
    assert pub.version == 1 and HistoryEntry.objects.filter(object_id=str(pub.pk)).exists()

    csv_response = client.get(
        reverse("opendata:download", kwargs={"dataset": pub.dataset, "version": 1, "fmt": "csv"})
    )
    assert csv_response.status_code == 200 and csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body(csv_response).decode("utf-8"))))
    assert len(rows) == pub.rows
    # Every published count is 0 or at least the threshold; hidden ones are empty and flagged.
    for row in rows:
        if row["so_hoc_sinh"] == "":
            assert row["an_so_lieu"] == "true"
        else:
            assert int(row["so_hoc_sinh"]) == 0 or int(row["so_hoc_sinh"]) >= pub.threshold
    city_total = [r for r in rows if r["phuong_xa"] == "Toàn thành phố" and r["khoi_lop"] == "Tổng"]
    active = Enrolment.objects.filter(state=Enrolment.State.ACTIVE).count()
    assert city_total[0]["so_hoc_sinh"] == (str(active) if active >= pub.threshold else "")

    parquet = client.get(
        reverse("opendata:download", kwargs={"dataset": pub.dataset, "version": 1, "fmt": "parquet"})
    )
    frame = pl.read_parquet(io.BytesIO(body(parquet)))
    assert frame.height == pub.rows and frame["so_hoc_sinh"].null_count() == sum(
        1 for r in rows if r["so_hoc_sinh"] == ""
    )


def test_small_counts_are_hidden_and_cannot_be_recovered_from_the_totals(city, settings):
    settings.OPENDATA_MIN_COUNT = 10_000  # every count of the test city is "small"
    pub = services.publication_create(actor=Actor.system(), dataset_code="hoc-sinh-theo-phuong-khoi")
    frame = pl.read_parquet(pub.file_path("parquet"))
    published = frame.filter(pl.col("so_hoc_sinh").is_not_null() & (pl.col("so_hoc_sinh") > 0))
    assert published.height == 0 and pub.hidden_primary > 0


def test_only_the_department_publishes(city, client_for):
    for role in (Role.WARD_OFFICER, Role.SCHOOL_ADMIN, Role.TEACHER):
        response = client_for(role).post(reverse("opendata:publish", kwargs={"dataset": "truong-hoc"}))
        assert response.status_code in (403, 404), role
    assert not Publication.objects.exists()
    with pytest.raises(NotFound):
        services.publication_create(actor=Actor.system(), dataset_code="khong-co")


def test_a_ward_officer_cannot_publish_through_the_service(city):
    from edudx.accounts import services as accounts

    user = city.users[Role.WARD_OFFICER]
    actor = Actor(user=user, scope=accounts.scope_for_user(user))
    with pytest.raises(PermissionDenied):
        services.publication_create(actor=actor, dataset_code="truong-hoc")


def test_versions_dictionary_and_dcat_describe_the_files(city, client):
    first = services.publication_create(actor=Actor.system(), dataset_code="truong-hoc")
    second = services.publication_create(actor=Actor.system(), dataset_code="truong-hoc")
    assert (first.version, second.version) == (1, 2)

    page = client.get(reverse("opendata:dataset", kwargs={"dataset": "truong-hoc"})).content.decode()
    assert "Từ điển dữ liệu" in page and "ma_truong" in page and "2 phiên bản" in page
    assert "văn bản" in page and "<td>string</td>" not in page  # types named in Vietnamese

    meta = json.loads(
        client.get(reverse("opendata:dictionary", kwargs={"dataset": "truong-hoc", "version": 2})).content
    )
    names = [c["name"] for c in meta["tableSchema"]["columns"]]
    csv_text = body(
        client.get(reverse("opendata:download", kwargs={"dataset": "truong-hoc", "version": 2, "fmt": "csv"}))
    ).decode()
    assert csv_text.splitlines()[0].split(",") == names
    assert meta["url"].endswith("/opendata/truong-hoc/v2.csv")

    dcat = json.loads(client.get(reverse("opendata:dcat")).content)
    assert dcat["@type"] == "dcat:Catalog"
    (entry,) = [d for d in dcat["dcat:dataset"] if d["dct:identifier"] == "truong-hoc"]
    assert entry["dcat:version"] == "2"
    urls = {d["dcat:downloadURL"]["@id"].rsplit("/", 1)[-1] for d in entry["dcat:distribution"]}
    assert urls == {"v2.csv", "v2.parquet"}
    sums = {d["spdx:checksum"]["spdx:checksumValue"] for d in entry["dcat:distribution"]}
    assert sums == {second.csv_sha256, second.parquet_sha256}


def test_two_officers_publishing_at_once_get_one_version_and_an_answer(city, monkeypatch):
    from edudx.core.errors import Conflict

    first = services.publication_create(actor=Actor.system(), dataset_code="truong-hoc")
    # The second read the same last version before the first wrote its row.
    monkeypatch.setattr(services, "_next_version", lambda code: 1)
    with pytest.raises(Conflict):
        services.publication_create(actor=Actor.system(), dataset_code="truong-hoc")
    assert Publication.objects.filter(dataset="truong-hoc").count() == 1
    files = sorted(p.name for p in first.file_path("csv").parent.iterdir())
    assert files == sorted([first.file_path("csv").name, first.file_path("parquet").name])


def test_unknown_or_unpublished_datasets_are_404(city, client):
    assert client.get(reverse("opendata:dataset", kwargs={"dataset": "truong-hoc"})).status_code == 404
    url = reverse("opendata:download", kwargs={"dataset": "truong-hoc", "version": 9, "fmt": "csv"})
    assert client.get(url).status_code == 404
    assert client.get("/opendata/truong-hoc/v1.xlsx").status_code == 404
    assert client.get(reverse("opendata:catalogue")).status_code == 200
