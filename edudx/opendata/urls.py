from django.urls import path, register_converter

from . import views


class FormatConverter:
    regex = "csv|parquet"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("catalog.jsonld", views.dcat, name="dcat"),
    path("<slug:dataset>/", views.dataset_detail, name="dataset"),
    path("<slug:dataset>/publish/", views.publish, name="publish"),
    path("<slug:dataset>/v<int:version>.<fmt:fmt>", views.download, name="download"),
    path("<slug:dataset>/v<int:version>-metadata.json", views.dictionary, name="dictionary"),
]
