"""Open data for the route × role matrix: the pages are public by design (published figures,
no personal data); the publish form is the department's."""

from __future__ import annotations

PUBLIC_ROUTES = {
    "opendata:catalogue": "the public open-data catalogue",
    "opendata:dcat": "the catalogue as DCAT for data portals",
    "opendata:dataset": "a published dataset's page",
    "opendata:download": "a published dataset's CSV or Parquet file",
    "opendata:dictionary": "a published file's data dictionary (CSVW)",
}


def providers(city) -> dict[str, tuple[object, str]]:
    from edudx.core.actor import Actor
    from edudx.opendata import services

    pub = services.publication_create(actor=Actor.system(source="matrix"), dataset_code="truong-hoc")
    return {"dataset": (pub.dataset, ""), "version": (pub.version, ""), "fmt": ("csv", "")}
