from django.urls import path

from . import views

urlpatterns = [
    path("", views.outcomes, name="outcomes"),
    path("schools/<int:school_id>/", views.school, name="school"),
    path("classes/<int:class_id>/", views.class_book, name="class"),
    path("pupils/<int:student_id>/", views.pupil, name="pupil"),
    path("scorebook-example.xlsx", views.scorebook_example, name="scorebook_example"),
]
