from django.urls import path

from . import views

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("upload/", views.upload, name="upload"),
    path("template/", views.template_download, name="template"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("runs/<int:run_id>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:run_id>/commit/", views.run_commit, name="run_commit"),
    path("runs/<int:run_id>/cancel/", views.run_cancel, name="run_cancel"),
    path("runs/<int:run_id>/report.csv", views.report_csv, name="report_csv"),
    path("runs/<int:run_id>/report.json", views.report_json, name="report_json"),
    path("runs/<int:run_id>/report.xlsx", views.report_xlsx, name="report_xlsx"),
]
