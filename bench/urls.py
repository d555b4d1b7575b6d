"""The benchmark server's URLs: the site's own, plus the ceiling.

`/bench/ceiling` answers a constant `HttpResponse("ok")` through the same
middleware, the same gunicorn and the same workers as the pages measured, so
every page's throughput is reported as a share of what Django itself can serve
on this machine in the same run (bench/README.md)."""

from django.http import HttpResponse
from django.urls import path

from wegov.urls import handler400, handler404, handler500  # noqa: F401
from wegov.urls import urlpatterns as site_urlpatterns


def ceiling(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/ceiling", ceiling, name="bench_ceiling"), *site_urlpatterns]
