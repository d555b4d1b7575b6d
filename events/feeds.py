"""Machine-readable programme: iCalendar feeds and a JSON document.

The .ics feeds speak the language of the URL (/ko/ or /en/); the JSON carries both
languages whatever the prefix. Each view runs a fixed number of queries, and is
served through the page cache (events/pagecache.py)."""

from datetime import datetime

import icalendar
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from events import calendar, pagecache
from events.models import Event, Exhibitor, ParticipatingCity, Session, Speaker
from events.queries import cities_for, exhibitors_for, programme_for, session_for, speakers_for

# The licence of the data; whom to credit comes from the event (licence_for).
LICENCE = {
    "id": "CC-BY-4.0",
    "name": "Creative Commons Attribution 4.0 International",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def _current_event_or_404(request: HttpRequest) -> Event:
    if not request.event:  # events/middleware.py
        raise Http404("No current event.")
    return request.event


# iCalendar -----------------------------------------------------------------


def _description(session: Session, url: str) -> str:
    lines = []
    if session.description:
        lines += [session.description, ""]
    appearances = list(session.appearances.all())
    if appearances:
        lines.append(_("Speakers:"))
        for appearance in appearances:
            speaker = appearance.speaker
            detail = ", ".join(part for part in [appearance.get_role_display(), speaker.organisation] if part)
            lines.append(f"- {speaker.name} ({detail})")
        lines.append("")
    if session.live_stream_url:
        lines.append(_("Live stream: %(url)s") % {"url": session.live_stream_url})
    lines.append(url)
    return "\n".join(lines)


def _vevent(request: HttpRequest, session: Session, stamp: datetime) -> icalendar.Event:
    url = request.build_absolute_uri(session.get_absolute_url())
    return calendar.vevent(
        session, url=url, stamp=stamp, description=_description(session, url), categories=[session.kind.name]
    )


def _ics_response(request: HttpRequest, event: Event, sessions, filename: str) -> HttpResponse:
    feed = calendar.new_calendar(event)
    if event.theme:
        feed.add("x-wr-caldesc", event.theme)
    # Every time in the feed is in the event's zone (Event.local): its VTIMEZONE first.
    feed.add_component(calendar.vtimezone(event.time_zone))
    stamp = calendar.stamp_now()
    for session in sessions:
        feed.add_component(_vevent(request, session, stamp))
    return HttpResponse(
        feed.to_ical(),
        content_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(as_attachment=True, filename=filename)},
    )


@pagecache.cached_page
@require_safe
def programme_ics(request: HttpRequest) -> HttpResponse:
    """The whole published programme of the current event."""
    event = _current_event_or_404(request)
    sessions = programme_for(event)
    return _ics_response(request, event, sessions, f"{event.slug}-{translation.get_language()}.ics")


@pagecache.cached_page
@require_safe
def session_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """One published session of the current event; 404 for an unknown slug."""
    event = _current_event_or_404(request)
    session = session_for(event, slug)
    if session is None:
        raise Http404("No such session.")
    return _ics_response(request, event, [session], f"{event.slug}-{session.slug}.ics")


# JSON ----------------------------------------------------------------------


def _both(obj, field: str) -> dict[str, str]:
    """A translated field in every language, each falling back to the other when empty."""
    values = {code: getattr(obj, f"{field}_{code}") or "" for code in LANGUAGE_CODES}
    fallback = next((value for value in values.values() if value), "")
    return {code: value or fallback for code, value in values.items()}


def _urls(request: HttpRequest, viewname: str, **kwargs) -> dict[str, str]:
    urls = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            urls[code] = request.build_absolute_uri(reverse(viewname, kwargs=kwargs or None))
    return urls


def _media_url(request: HttpRequest, image) -> str | None:
    return request.build_absolute_uri(image.url) if image else None


def licence_for(event: Event) -> dict[str, str]:
    """The data's licence, crediting the event's `data_attribution`, or else its
    organiser (in English, like the licence's name), or else the event itself."""
    attribution = event.data_attribution or _both(event, "organiser")["en"] or _both(event, "name")["en"]
    return {**LICENCE, "attribution": attribution}


def _marks(obj) -> dict:
    """Whether a row was invented for the demo, wholly or in some details."""
    return {"is_sample": obj.is_sample, "invented_fields": list(obj.invented_fields or [])}


def _event_json(request: HttpRequest, event: Event) -> dict:
    return {
        "slug": event.slug,
        "name": _both(event, "name"),
        "edition": _both(event, "edition"),
        "theme": _both(event, "theme"),
        "description": _both(event, "description"),
        "organiser": _both(event, "organiser"),
        "start_date": event.start_date,
        "end_date": event.end_date,
        "time_zone": event.time_zone,
        "city": _both(event, "city"),
        "venue": {"name": _both(event, "venue_name"), "address": _both(event, "venue_address")},
        "registration_opens_at": event.local(event.registration_opens_at) if event.registration_opens_at else None,
        "registration_closes_at": event.local(event.registration_closes_at) if event.registration_closes_at else None,
        "live_stream_url": event.live_stream_url or None,
        "live_stream_provider": _both(event, "live_stream_provider"),
        "website": event.website or None,
        "url": _urls(request, "events:home"),
        **_marks(event),
    }


def _session_json(request: HttpRequest, session: Session) -> dict:
    event = session.event
    room = session.room
    return {
        "slug": session.slug,
        "title": _both(session, "title"),
        "description": _both(session, "description"),
        "kind": {"slug": session.kind.slug, "name": _both(session.kind, "name")},
        "start": event.local(session.starts_at).isoformat(),
        "end": event.local(session.ends_at).isoformat(),
        "room": _both(room, "name") if room else None,
        "audience": session.audience,
        "booking_required": session.booking_required,
        "capacity": session.capacity,
        "seats_left": session.seats_left,
        "is_streamed": session.is_streamed,
        "live_stream_url": session.live_stream_url or None,
        "url": _urls(request, "events:session", slug=session.slug),
        "ics": _urls(request, "events:session_ics", slug=session.slug),
        "speakers": [
            {
                "slug": appearance.speaker.slug,
                "name": _both(appearance.speaker, "name"),
                "role": appearance.role,
                "organisation": _both(appearance.speaker, "organisation"),
            }
            for appearance in session.appearances.all()
        ],
        **_marks(session),
    }


def _speaker_json(request: HttpRequest, speaker: Speaker) -> dict:
    return {
        "slug": speaker.slug,
        "name": _both(speaker, "name"),
        "title": _both(speaker, "title"),
        "organisation": _both(speaker, "organisation"),
        "city": _both(speaker, "city"),
        "country": speaker.country.code or None,
        "biography": _both(speaker, "biography"),
        "photo": _media_url(request, speaker.photo),
        "sessions": [appearance.session.slug for appearance in speaker.appearances.all()],
        **_marks(speaker),
    }


def _exhibitor_json(request: HttpRequest, exhibitor: Exhibitor) -> dict:
    return {
        "slug": exhibitor.slug,
        "name": _both(exhibitor, "name"),
        "kind": exhibitor.kind,
        "booth": exhibitor.booth,
        "description": _both(exhibitor, "description"),
        "logo": _media_url(request, exhibitor.logo),
        "website": exhibitor.website or None,
        **_marks(exhibitor),
    }


def _city_json(city: ParticipatingCity) -> dict:
    return {
        "name": _both(city, "name"),
        "country": city.country.code,
        "role": city.role,
        "presents_best_practice": city.presents_best_practice,
        **_marks(city),
    }


@pagecache.cached_page(seats=True)
@require_safe
def programme_json(request: HttpRequest) -> JsonResponse:
    """The current event's published programme, speakers, exhibitors and cities in
    Korean and English, with the data's licence. Seven queries whatever the size.

    Built in the default language whatever the URL prefix, so that /ko/ and /en/
    give the same document (lists sorted by name sort the same way)."""
    event = _current_event_or_404(request)
    moment = timezone.now()
    sessions = list(programme_for(event))
    with translation.override(settings.LANGUAGE_CODE):
        data = {
            "licence": licence_for(event),
            "generated_at": event.local(moment).replace(microsecond=0).isoformat(),
            "event": _event_json(request, event),
            "sessions": [_session_json(request, session) for session in sessions],
            "speakers": [_speaker_json(request, speaker) for speaker in speakers_for(event)],
            "exhibitors": [_exhibitor_json(request, exhibitor) for exhibitor in exhibitors_for(event)],
            "cities": [_city_json(city) for city in cities_for(event)],
        }
    response = JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    response.shows_seats = pagecache.shows_seats(sessions)  # it gives seats_left
    return response
