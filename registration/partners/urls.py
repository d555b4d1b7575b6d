"""Partners' viewer accounts: /<lang>/admin/accounts/... (included before the
admin's own URLs in wegov/urls.py). The set-password pages are open: the link
itself (a token, valid once) is the key."""

from django.urls import path

from registration.partners import views

app_name = "partners"

urlpatterns = [
    path("viewers/", views.viewers, name="viewers"),
    path("viewers/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
    path("set-password/done/", views.set_password_done, name="set_password_done"),
]
