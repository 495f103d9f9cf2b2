from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dx.xlsx", views.dx_xlsx, name="dx_xlsx"),
    path("home/<slug:panel>.xlsx", views.panel_xlsx, name="panel_xlsx"),
    path("home/<slug:panel>.pdf", views.panel_pdf, name="panel_pdf"),
]
