"""The venue desk: /<lang>/desk/... (staff only)."""

from django.urls import path

from registration.desk import auth, badges, offline, views, walkin

app_name = "desk"

urlpatterns = [
    path("login/", auth.DeskLoginView.as_view(), name="login"),
    path("logout/", auth.DeskLogoutView.as_view(), name="logout"),
    path("", views.choose_checkpoint, name="checkpoints"),
    path("checkpoint/<slug:slug>/", views.desk, name="desk"),
    path("api/checkin/", views.api_checkin, name="api_checkin"),
    path("api/search/", views.api_search, name="api_search"),
    path("api/undo/", views.api_undo, name="api_undo"),
    path("api/counters/", views.api_counters, name="api_counters"),
    path("api/offline-list/", offline.api_offline_list, name="api_offline_list"),
    path("api/queued/", offline.api_queued, name="api_queued"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("walk-in/", walkin.walk_in, name="walk_in"),
    path("attendee/<str:code>/badge.pdf", badges.badge_pdf, name="badge"),
]
