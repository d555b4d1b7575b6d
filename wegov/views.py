from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """For load balancers: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: the database may be what failed.
    return HttpResponse(
        "<!doctype html><title>500</title><h1>Server error / 서버 오류</h1>"
        "<p>Please try again in a moment. 잠시 후 다시 시도해 주세요.</p>",
        status=500,
    )
