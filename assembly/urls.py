"""The General Assembly: /<lang>/assembly/... (the door desk is staff only)."""

from django.urls import path

from assembly import views

app_name = "assembly"

urlpatterns = [
    path("quorum/", views.board_page, name="board"),
    path("quorum.json", views.board_json, name="board_json"),
    path("door/", views.door_page, name="door"),
    path("door/api/", views.door_api, name="door_api"),
]
