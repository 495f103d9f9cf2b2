"""The machine-readable descriptions of the open data: the catalogue as DCAT (JSON-LD) and each
file's data dictionary as CSV on the Web metadata (W3C CSVW)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from edudx.orgs import selectors as orgs

from .datasets import Dataset
from .models import Publication

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_NAME = "CC BY 4.0"
DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
MEDIA = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}


def _vi(text: object) -> dict[str, str]:
    with translation.override("vi"):
        return {"@value": str(text), "@language": "vi"}


def _when(value: Any) -> dict[str, str]:
    return {"@value": value.isoformat(), "@type": "xsd:dateTime"}


def _publisher() -> dict[str, Any]:
    root = orgs.root_units().first()
    return {"@type": "foaf:Organization", "foaf:name": root.name if root else ""}


def _distribution(request: HttpRequest, pub: Publication, fmt: str) -> dict[str, Any]:
    url = request.build_absolute_uri(
        reverse("opendata:download", kwargs={"dataset": pub.dataset, "version": pub.version, "fmt": fmt})
    )
    checksum = pub.csv_sha256 if fmt == "csv" else pub.parquet_sha256
    out: dict[str, Any] = {
        "@type": "dcat:Distribution",
        "dcat:downloadURL": {"@id": url},
        "dcat:accessURL": {"@id": url},
        "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{MEDIA[fmt]}"},
        "dct:license": {"@id": LICENCE_URL},
        "dct:issued": _when(pub.published_at),
        "spdx:checksum": {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
            "spdx:checksumValue": checksum,
        },
    }
    if fmt == "csv":
        dictionary = reverse("opendata:dictionary", kwargs={"dataset": pub.dataset, "version": pub.version})
        out["dct:conformsTo"] = {"@id": request.build_absolute_uri(dictionary)}
    return out


def dcat(request: HttpRequest, rows: list[tuple[Dataset, Publication | None]]) -> dict[str, Any]:
    datasets = []
    for dataset, pub in rows:
        if pub is None:
            continue
        page = request.build_absolute_uri(reverse("opendata:dataset", kwargs={"dataset": dataset.code}))
        datasets.append(
            {
                "@id": page,
                "@type": "dcat:Dataset",
                "dct:identifier": dataset.code,
                "dct:title": _vi(dataset.title),
                "dct:description": _vi(dataset.description),
                "dcat:keyword": [{"@value": k, "@language": "vi"} for k in dataset.keywords],
                "dct:publisher": _publisher(),
                "dct:license": {"@id": LICENCE_URL},
                "dct:modified": _when(pub.published_at),
                "dcat:version": str(pub.version),
                "dcat:landingPage": {"@id": page},
                "dcat:distribution": [
                    _distribution(request, pub, "csv"),
                    _distribution(request, pub, "parquet"),
                ],
            }
        )
    return {
        "@context": DCAT_CONTEXT,
        "@id": request.build_absolute_uri(reverse("opendata:dcat")),
        "@type": "dcat:Catalog",
        "dct:title": _vi("Dữ liệu mở ngành giáo dục"),
        "dct:publisher": _publisher(),
        "dct:license": {"@id": LICENCE_URL},
        "dcat:dataset": datasets,
    }


def csvw(request: HttpRequest, dataset: Dataset, pub: Publication) -> dict[str, Any]:
    url = reverse("opendata:download", kwargs={"dataset": pub.dataset, "version": pub.version, "fmt": "csv"})
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "vi"}],
        "url": request.build_absolute_uri(url),
        "dc:title": _vi(dataset.title)["@value"],
        "dc:description": _vi(dataset.description)["@value"],
        "dc:license": {"@id": LICENCE_URL},
        "dc:modified": pub.published_at.isoformat(),
        "dialect": {"encoding": "utf-8", "header": True, "delimiter": ","},
        "tableSchema": {
            "columns": [
                {
                    "name": col.name,
                    "titles": col.label,
                    "datatype": col.type,
                    "dc:description": col.description,
                    "null": "",
                }
                for col in dataset.columns
            ]
        },
    }
