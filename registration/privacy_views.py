"""The person's rights on their private page (the link in their e-mails):
everything stored about them, as a page and as a JSON download
(registration.personal_data), and erasure on request, done at once after a
confirmation (registration.erasure.erase: the link itself then leads nowhere,
so the answer is a page of its own, not a redirect to it).
"""

from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from registration import erasure, personal_data
from registration.privacy_admin import json_download
from registration.private_pages import private
from registration.private_pages import registration_by_secret as _registration


@private
@require_GET
def my_data(request, secret):
    registration = _registration(secret)
    data = personal_data.export(registration)
    context = {"event": registration.event, "registration": registration, "data": personal_data.readable(data)}
    return render(request, "registration/my_data.html", context)


@private
@require_GET
def my_data_json(request, secret):
    registration = _registration(secret)
    return json_download(personal_data.export(registration), f"wego-my-data-{registration.code}.json")


@private
@require_http_methods(["GET", "POST"])
def erase(request, secret):
    """Ask to confirm; erase on POST."""
    registration = _registration(secret)
    if request.method == "POST":
        erasure.erase(registration=registration)
        return render(request, "registration/erased.html", {"event": registration.event})
    return render(request, "registration/erase.html", {"event": registration.event, "registration": registration})
