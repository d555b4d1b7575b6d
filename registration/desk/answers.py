"""What the desk's JSON API answers about people, sessions, check-ins and
counters (read by static/js/desk.js): each shape built in one place."""

from django.utils import formats
from django.utils.translation import gettext as _

from registration import checkin as checkins
from registration import occupancy
from registration.desk import queries
from registration.models import ENDED, Registration


def attention(registration: Registration, *, admitted: bool) -> checkins.Attention:
    """What the desk may show of the attention note. Accessibility and dietary needs
    are for admitted people only; a cancelled or refused registration shows none of it."""
    if registration.status in ENDED:
        return checkins.Attention(flagged=False, note="")
    if not admitted:
        note = registration.attention_note.strip() if registration.needs_attention else ""
        return checkins.Attention(flagged=registration.needs_attention, note=note)
    return checkins.attention_of(registration)


def person_json(registration: Registration) -> dict:
    """Who a registration is, as every desk answer names it: a scan's attendee and a search's match."""
    return {
        "code": registration.code,
        "name": registration.name,
        "organisation": registration.organisation,
        "category": registration.category,
        "category_label": str(registration.get_category_display()),
        "status": registration.status,
        "status_label": str(registration.get_status_display()),
    }


def attendee_json(registration: Registration, event, current_session, *, admitted: bool = True) -> dict:
    """The person a scan found, with what the desk may show of their attention
    note and the sessions they booked (the one in this room marked current)."""
    sessions = queries.booked_sessions(registration)
    current_pk = current_session.pk if current_session else None
    mark = attention(registration, admitted=admitted)
    return {
        **person_json(registration),
        "attention": mark.flagged,
        "attention_note": mark.note,
        "sessions": [dict(session_json(s, event), current=s.pk == current_pk) for s in sessions],
    }


def match_json(registration: Registration) -> dict:
    """A search result: enough to tell two people of the same name apart."""
    return {
        **person_json(registration),
        "city": registration.city,
        "email_hint": email_hint(registration.email),
        "holds_a_place": registration.holds_a_place,
        # The mark only (the note once checked in); none for a cancelled or refused registration.
        "attention": attention(registration, admitted=True).flagged,
        "checked_in_here": getattr(registration, "checked_in_here", None),
    }


def email_hint(email: str) -> str:
    """The end of an address, enough to tell two people of the same name apart at
    the desk without showing the whole address: "…ana@example.org"."""
    local, _at, domain = (email or "").rpartition("@")
    if not domain or not local:
        return ""
    return f"…{local[-3:]}@{domain}" if len(local) > 3 else f"{local}@{domain}"


def session_json(session, event) -> dict:
    starts, ends = event.local(session.starts_at), event.local(session.ends_at)
    return {
        "title": session.title,
        "starts_at": starts.isoformat(),
        "ends_at": ends.isoformat(),
        "when": "{} {}–{}".format(
            formats.date_format(starts, "MONTH_DAY_FORMAT"),
            formats.time_format(starts, "H:i"),
            formats.time_format(ends, "H:i"),
        ),
        "room": session.room.name if session.room_id else "",
    }


def checkin_json(checkin, event) -> dict:
    at = event.local(checkin.checked_in_at)
    return {
        "id": checkin.pk,
        "at": at.isoformat(),
        "time": formats.time_format(at, "H:i"),
        "checkpoint": checkin.checkpoint.name,
        "undone": checkin.undone_at is not None,
    }


def counters_json(counters: queries.Counters, event) -> dict:
    return {
        "day": counters.day.isoformat(),
        "registered": counters.registered,
        "entered_today": counters.entered_today,
        "here_today": counters.here_today,
        "session": (
            dict(
                session_json(counters.session, event),
                booked=counters.booked,
                capacity=counters.session.capacity if counters.session.booking_required else None,
                inside=counters.inside,
            )
            if counters.session
            else None
        ),
    }


def seat_json(outcome: checkins.CheckInOutcome, event, now) -> dict:
    """What a room door's answer says about seats (static/js/desk.js shows it):
    "seat_note", how the person got in without their booking ("" for an
    ordinary admission); "occupancy", how full the room is now
    (registration/occupancy.py: state, label, text) with "pointer" {text, url},
    where to send people, when it is full or the person was refused for want
    of a seat. Nothing at an entrance. One query, at a room door only."""
    session = outcome.session
    if session is None or outcome.registration is None:
        return {}
    session.event = event  # the live stream falls back to the event's: no query
    if outcome.restored:
        note = _("Their released seat was free again: it is theirs once more.")
    elif outcome.unbooked:
        note = _("No booking: let in to a free seat.")
    else:
        note = ""
    figures = occupancy.session_figures(session, now)
    state = figures.state if figures else ""
    pointer = occupancy.pointer_for(session) if state == "full" or outcome.reason == "full" else None
    return {
        "seat_note": note,
        "occupancy": occupancy.figures_json(figures) if figures else None,
        "pointer": {"text": pointer.text, "url": pointer.url} if pointer else None,
    }


def door_pointer(checkpoint, session) -> occupancy.Pointer | None:
    """Where the desk at a room door sends people when the room is full, for
    its page (templates/desk/includes/pointer.html): the overflow room, else the
    live stream of the room's current session. None at an entrance."""
    if checkpoint.room_id is None or session is None:
        return None
    session.event, session.room = checkpoint.event, checkpoint.room
    return occupancy.pointer_for(session)
