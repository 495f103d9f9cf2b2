from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dx.xlsx", views.dx_xlsx, name="dx_xlsx"),
]
