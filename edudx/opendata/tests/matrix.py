"""Open data for the route × role matrix: the pages are public by design (published figures,
no personal data); the publish form is the department's.

The provider publishes the pupils-by-ward table, whose files carry no school of the test city by
name: the markers of B1 must not appear in it. The school list (`truong-hoc`) does name every
school — the department publishes it on purpose, as every Sở publishes its list of schools — so
it is not the dataset the matrix searches for B1's markers."""

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

    pub = services.publication_create(
        actor=Actor.system(source="matrix"), dataset_code="hoc-sinh-theo-phuong-khoi"
    )
    return {"dataset": (pub.dataset, ""), "version": (pub.version, ""), "fmt": ("csv", "")}
