from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from registration import live
from wegov import media, views

admin.site.site_header = "WeGO"
admin.site.site_title = "WeGO"
# No navigation sidebar: at 1280 px it left the registration list too little room
# for its columns (the index and the breadcrumbs lead everywhere it did).
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    # The organisers' dashboard and exports, under the admin's log-in (before the admin's catch-all).
    path("admin/dashboard/", include("registration.dashboard.urls")),
    # Two-factor log-in for staff (twofactor/), also before the admin's catch-all.
    path("admin/two-factor/", include("twofactor.urls")),
    path("admin/delegations/", include("registration.delegations.urls")),
    # Partners' viewer accounts, given by organisers, and the partner's set-password page.
    path("admin/accounts/", include("registration.partners.urls")),
    path("admin/", admin.site.urls),
    path("register/", include("registration.urls")),
    path("desk/", include("registration.desk.urls")),
    # How full the rooms are now (registration/live.py), for the programme's pages.
    path("live/rooms.json", live.rooms_json, name="live_rooms"),
    path("assembly/", include("assembly.urls")),
    path("", include("events.urls")),
    prefix_default_language=True,
)

# Uploaded images, in development and production alike (wegov/media.py); a proxy
# in front may serve MEDIA_ROOT itself instead (docs/deploy.md).
urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.serve_media, name="media")]

handler400 = "wegov.views.bad_request"
handler404 = "wegov.views.page_not_found"
handler500 = "wegov.views.server_error"
