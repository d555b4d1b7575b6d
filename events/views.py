"""The public pages. Thin: each reads through events.queries and renders.

Every page renders without a current event (an empty site) with a friendly
message instead of a server error. Every page is served through the page cache
(events/pagecache.py); a page that depends on the time says until when it is right
(`fresh_until`), one that shows live seat counts says so (`shows_seats`)."""

from datetime import date, datetime

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from events import extras, pagecache, queries
from events.models import Event


class EventPageView(TemplateView):
    """A read page about the current event; `no_event.html` when there is none."""

    fresh_until: datetime | None = None
    shows_seats = False

    def get(self, request, *args, **kwargs):
        self.event = self.edition(request)
        if not self.event:
            return render(request, "events/no_event.html", {"event": None})
        response = super().get(request, *args, **kwargs)
        response.fresh_until = self.fresh_until
        response.shows_seats = self.shows_seats
        return response

    def edition(self, request) -> Event | None:
        """The edition the page is about: the current one (events/middleware.py);
        a past one on the archive's pages (events/archive.py)."""
        return request.event

    def right_until(self, moment: datetime | None) -> None:
        """The page shows something that may change at `moment` (the page cache's limit)."""
        self.fresh_until = pagecache.earliest(self.fresh_until, moment)

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, **self.page_context(self.event), **kwargs)

    def page_context(self, event: Event) -> dict:
        return {}


class HomeView(EventPageView):
    template_name = "events/home.html"

    def page_context(self, event):
        moment = timezone.now()
        now_and_next = queries.now_and_next(event, moment)
        # The clock shows minutes; "now and next" changes when a session starts or ends.
        self.right_until(pagecache.next_minute(moment))
        self.right_until(now_and_next.changes_at)
        self.shows_seats = pagecache.shows_seats([*now_and_next.now, *now_and_next.next])
        return {
            "now": event.local(moment),
            "days_to_go": (event.start_date - event.local(moment).date()).days,
            "now_and_next": now_and_next,
            "highlights": queries.highlights_for(event),
        }


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class ProgrammeView(EventPageView):
    """One tab per day (?day=YYYY-MM-DD), filter by kind (?kind=<slug>).

    Unknown values are ignored with a note, never an error."""

    template_name = "events/programme.html"

    def page_context(self, event):
        index = queries.programme_index(event)
        tabs = queries.programme_tabs(event, index)
        kinds = list(queries.programme_kinds(event))
        notices = []

        kind_slug = self.request.GET.get("kind", "")
        kind = next((k for k in kinds if k.slug == kind_slug), None)
        if kind_slug and kind is None:
            notices.append(_("There are no sessions of that kind: showing all kinds."))

        day_value = self.request.GET.get("day", "")
        day = _parse_day(day_value)
        if day not in tabs:
            if day_value:
                notices.append(_("That day is not in the programme: showing the programme of another day."))
            moment = timezone.now()
            day = queries.default_programme_day(event, index, kind, moment)
            self.right_until(pagecache.next_midnight(event.local(moment)))  # the default day is today's

        sessions = list(queries.programme_for(event, day=day, kind=kind))
        self.shows_seats = pagecache.shows_seats(sessions)
        return {
            "tabs": tabs,
            "day": day,
            "kinds": kinds,
            "kind": kind,
            "kind_days": index.days_with(kind),
            "sessions": sessions,
            "slots": queries.time_slots(sessions),
            "notices": notices,
        }


class SessionView(EventPageView):
    template_name = "events/session.html"

    def page_context(self, event):
        session = queries.session_for(event, self.kwargs["slug"])
        if session is None:
            raise Http404("No such session")
        self.shows_seats = pagecache.shows_seats([session])
        return {
            "session": session,
            "day": event.local(session.starts_at).date(),
            "extras": extras.session_extras(session),  # other apps' sections (events/extras.py)
        }

    def get(self, request, *args, **kwargs):
        if not self.edition(request):
            raise Http404("No current event")
        return super().get(request, *args, **kwargs)


class SpeakersView(EventPageView):
    template_name = "events/speakers.html"

    def page_context(self, event):
        return {"speakers": list(queries.speakers_for(event))}


class ExhibitionView(EventPageView):
    template_name = "events/exhibition.html"

    def page_context(self, event):
        return {"exhibition": queries.exhibition_for(event)}


class CitiesView(EventPageView):
    template_name = "events/cities.html"

    def page_context(self, event):
        cities = list(queries.cities_for(event))
        return {
            "cities": cities,
            "groups": queries.city_groups(cities),
            "best_practice": [c for c in cities if c.presents_best_practice],
            "countries": len({c.country.code for c in cities}),
        }


class AboutView(EventPageView):
    template_name = "events/about.html"

    def page_context(self, event):
        return {"figures": queries.figures_for(event)}


class VenueView(EventPageView):
    template_name = "events/venue.html"

    def page_context(self, event):
        return {"rooms": list(queries.rooms_for(event))}


class LiveView(EventPageView):
    template_name = "events/live.html"

    def page_context(self, event):
        streamed = list(queries.streamed_sessions(event))
        self.shows_seats = pagecache.shows_seats(streamed)
        return {"streamed": streamed}


home = pagecache.cached_page(HomeView.as_view(), seats=True)
programme = pagecache.cached_page(ProgrammeView.as_view(), seats=True)
session_detail = pagecache.cached_page(SessionView.as_view(), seats=True)
speakers = pagecache.cached_page(SpeakersView.as_view())
exhibition = pagecache.cached_page(ExhibitionView.as_view())
cities = pagecache.cached_page(CitiesView.as_view())
about = pagecache.cached_page(AboutView.as_view())
venue = pagecache.cached_page(VenueView.as_view())
live = pagecache.cached_page(LiveView.as_view(), seats=True)
