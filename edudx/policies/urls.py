from django.urls import path

from . import views

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("publish/", views.PolicyPublish.as_view(), name="publish"),
]
