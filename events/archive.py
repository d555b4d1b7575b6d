"""The archive of past editions: their programme, sessions, speakers and
exhibition stay readable at stable addresses once another edition is current.

    /<lang>/archive/                                 the past editions (linked from the footer)
    /<lang>/archive/<edition>/                       one edition: what it was, links to its pages
    /<lang>/archive/<edition>/programme/             its programme (?day=, ?kind= as the current one)
    /<lang>/archive/<edition>/sessions/<session>/    one of its sessions
    /<lang>/archive/<edition>/speakers/              its speakers
    /<lang>/archive/<edition>/exhibition/            its exhibition
    /<lang>/archive/<edition>/register/              says that its registration is closed

The pages are the current edition's own views and templates with another
edition (EventPageView.edition): the templates link within the archive through
{% edition_url %} and leave out what only a coming edition has (seats, booking,
registering, calendar files, the live stream). A past edition is one before the
current one (EventQuerySet.past): the current edition and an edition being
prepared for later have no archive pages (404), nor has an unknown address.
Times are in the past edition's own time zone. Served through the page cache,
which any change of the programme or of the current edition makes stale.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from events import pagecache, queries, views
from events.models import Event


def _today():
    return timezone.localdate()


class ArchiveMixin:
    """An EventPageView about the past edition named in the address."""

    def edition(self, request) -> Event:
        if not hasattr(self, "_archive"):
            current = request.event or None  # a query's value, not the lazy stand-in for None
            self._archive = queries.past_edition(self.kwargs["edition"], current, _today())
            if self._archive is None:
                raise Http404("No such past edition")
        return self._archive

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.shows_seats = False  # the archive shows no seat counts
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(archive=self.event, **kwargs)


class ArchiveProgrammeView(ArchiveMixin, views.ProgrammeView):
    pass


class ArchiveSessionView(ArchiveMixin, views.SessionView):
    pass


class ArchiveSpeakersView(ArchiveMixin, views.SpeakersView):
    pass


class ArchiveExhibitionView(ArchiveMixin, views.ExhibitionView):
    pass


class ArchiveEditionView(ArchiveMixin, views.EventPageView):
    template_name = "events/archive_edition.html"

    def page_context(self, event):
        return {"figures": queries.figures_for(event)}


class ArchiveRegisterView(ArchiveMixin, views.EventPageView):
    """Registration for a past edition: closed, with the way to the current one."""

    template_name = "events/archive_register.html"


def archive_index(request):
    """The past editions, latest first: two queries (the current edition, the list)."""
    current = request.event or None
    editions = queries.past_editions(current, _today())
    return render(request, "events/archive.html", {"editions": editions, "current": current})


index = pagecache.cached_page(archive_index)
edition = pagecache.cached_page(ArchiveEditionView.as_view())
programme = pagecache.cached_page(ArchiveProgrammeView.as_view())
session_detail = pagecache.cached_page(ArchiveSessionView.as_view())
speakers = pagecache.cached_page(ArchiveSpeakersView.as_view())
exhibition = pagecache.cached_page(ArchiveExhibitionView.as_view())
register = pagecache.cached_page(ArchiveRegisterView.as_view())
