"""The organisers' dashboard and exports: /<lang>/admin/dashboard/... (included
before the admin's own URLs in wegov/urls.py)."""

from django.urls import path

from registration.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("attendees.csv", views.export_attendees, {"file_format": "csv"}, name="export_csv"),
    path("attendees.xlsx", views.export_attendees, {"file_format": "xlsx"}, name="export_xlsx"),
    path("checkins.csv", views.export_checkins, {"file_format": "csv"}, name="checkins_csv"),
    path("checkins.xlsx", views.export_checkins, {"file_format": "xlsx"}, name="checkins_xlsx"),
]
