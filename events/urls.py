from django.urls import path

from events import archive, feeds, views

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
    # Past editions (events/archive.py); the current edition's addresses above stay as they are.
    path("archive/", archive.index, name="archive"),
    path("archive/<slug:edition>/", archive.edition, name="archive_home"),
    path("archive/<slug:edition>/programme/", archive.programme, name="archive_programme"),
    path("archive/<slug:edition>/sessions/<slug:slug>/", archive.session_detail, name="archive_session"),
    path("archive/<slug:edition>/speakers/", archive.speakers, name="archive_speakers"),
    path("archive/<slug:edition>/exhibition/", archive.exhibition, name="archive_exhibition"),
    path("archive/<slug:edition>/register/", archive.register, name="archive_register"),
]
