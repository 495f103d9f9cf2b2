from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("schools/<int:school_id>/", views.school_inventory, name="school"),
    path("schools/<int:school_id>/labels/", views.labels, name="labels"),
    path("schools/<int:school_id>/devices/new/", views.device_create, name="device_create"),
    path("schools/<int:school_id>/rooms/new/", views.room_create, name="room_create"),
    path("schools/<int:school_id>/connections/new/", views.connection_create, name="connection_create"),
    path("schools/<int:school_id>/licences/new/", views.licence_create, name="licence_create"),
    path("devices/", views.device_list, name="device_list"),
    path("devices/<int:device_id>/", views.device_detail, name="device_detail"),
    path("devices/<int:device_id>/edit/", views.device_edit, name="device_edit"),
    path("devices/<int:device_id>/condition/", views.device_condition, name="device_condition"),
    path("devices/<int:device_id>/qr.svg", views.device_qr, name="device_qr"),
    path("rooms/<int:room_id>/edit/", views.room_edit, name="room_edit"),
    path("connections/<int:connection_id>/edit/", views.connection_edit, name="connection_edit"),
    path("gaps/", views.gaps, name="gaps"),
    path("thresholds/", views.threshold_settings, name="thresholds"),
]
