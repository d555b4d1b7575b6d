from django.urls import path

from events import feeds, views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("programme/", views.programme, name="programme"),
    path("programme.ics", feeds.programme_ics, name="programme_ics"),
    path("programme.json", feeds.programme_json, name="programme_json"),
    path("sessions/<slug:slug>/", views.session_detail, name="session"),
    path("sessions/<slug:slug>.ics", feeds.session_ics, name="session_ics"),
    path("speakers/", views.speakers, name="speakers"),
    path("exhibition/", views.exhibition, name="exhibition"),
    path("cities/", views.cities, name="cities"),
    path("about/", views.about, name="about"),
    path("venue/", views.venue, name="venue"),
    path("live/", views.live, name="live"),
]
