from django.urls import path, re_path

from registration import privacy_views, private_pages, views

app_name = "registration"

urlpatterns = [
    path("", views.start, name="start"),
    path("sent/", views.sent, name="sent"),
    path("lost/", views.lost, name="lost"),
    path("lost/sent/", views.lost_sent, name="lost_sent"),
    # The private pages of one registration: the link in its e-mails.
    path("manage/<str:secret>/", views.manage, name="manage"),
    path("manage/<str:secret>/details/", views.manage_details, name="manage_details"),
    path("manage/<str:secret>/sessions/", views.manage_sessions, name="manage_sessions"),
    path("manage/<str:secret>/news/", views.manage_news, name="manage_news"),
    path("manage/<str:secret>/cancel/", views.cancel, name="cancel"),
    path("manage/<str:secret>/ticket.png", views.ticket_png, name="ticket_png"),
    # The person's rights: their data as a page and as JSON, and erasure.
    path("manage/<str:secret>/data/", privacy_views.my_data, name="my_data"),
    path("manage/<str:secret>/data.json", privacy_views.my_data_json, name="my_data_json"),
    path("manage/<str:secret>/erase/", privacy_views.erase, name="erase"),
    # Anything else under manage/ (a link cut short or mistyped): the private link's 404.
    # Only addresses ending in "/", so a link missing its final slash is still redirected.
    re_path(r"^manage/(?P<rest>.*/)$", private_pages.link_not_found, name="link_not_found"),
]
