"""Turn an outbox row into an e-mail, rendered when it is sent, in the
attendee's language, from the registration as it is then.

Templates: templates/registration/email/<kind>_subject.txt, <kind>.txt and
<kind>.html (sharing base.txt and base.html). A registration that holds a seat
gets its ticket in the mails that confirm it (confirmation, approved, promoted,
updated): the QR code as an inline image (a multipart/related part referenced
by cid:, which mail clients show, unlike a data: URL) and an .ics of its booked
sessions.
"""

import email.policy
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from events.calendar import UID_DOMAIN
from events.models import Session
from events.queries import get_current_event
from registration import queries, tickets
from registration.delegations import mailing
from registration.models import ENDED, BookingStatus, MailKind, OutgoingMail, Registration, Status

TEMPLATE_DIR = "registration/email"
MISSING = "missing"  # the templates for a mail whose registration is gone

# Mails that hand over the ticket, when the registration holds a confirmed place.
TICKET_KINDS = {MailKind.CONFIRMATION, MailKind.APPROVED, MailKind.PROMOTED, MailKind.UPDATED}


@dataclass(frozen=True)
class RelatedImage:
    content: bytes
    subtype: str  # image/<subtype>
    cid: str  # a Content-ID with its angle brackets
    filename: str


class RelatedEmail(EmailMultiAlternatives):
    """An e-mail whose HTML alternative carries inline images as related parts:

        multipart/mixed
          multipart/alternative
            text/plain
            multipart/related
              text/html           <img src="cid:...">
              image/png           Content-ID: <...>
          text/calendar           (attachments)

    Django's own MIMEPart attachments would sit in multipart/mixed beside the
    HTML, which some clients list as a file instead of showing in place."""

    def __init__(self, *args, related: list[RelatedImage] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.related = list(related or [])

    def message(self, *, policy=email.policy.default):
        msg = super().message(policy=policy)
        if self.related:
            html = next(part for part in msg.walk() if part.get_content_type() == "text/html")
            for image in self.related:
                html.add_related(
                    image.content,
                    maintype="image",
                    subtype=image.subtype,
                    cid=image.cid,
                    disposition="inline",
                    filename=image.filename,
                )
        return msg


def build_message(mail: OutgoingMail) -> RelatedEmail:
    """The e-mail for an outbox row, in the row's language."""
    with translation.override(mail.language or settings.LANGUAGE_CODE):
        registration = mail.registration
        if registration is None:
            return _render(mail, MISSING, _missing_context(mail))
        if mail.kind == MailKind.MAILING:
            return _render(mail, mail.kind, _mailing_context(mail, registration))
        context, related, attachments = _registration_context(mail, registration)
        message = _render(mail, mail.kind, context, related=related)
        for attachment in attachments:
            message.attach(*attachment)
        return message


def _render(mail: OutgoingMail, kind: str, context: dict, *, related=None) -> RelatedEmail:
    context = {"kind": kind, "LANGUAGE_CODE": translation.get_language(), "site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{TEMPLATE_DIR}/{kind}_subject.txt", context).split())
    context["subject"] = subject
    event = context.get("event")
    message = RelatedEmail(
        subject=subject,
        # Replies reach the organisers when the edition names their address.
        reply_to=[event.contact_email] if event is not None and event.contact_email else None,
        body=_tidy(render_to_string(f"{TEMPLATE_DIR}/{kind}.txt", context)),
        to=[mail.to_email],
        headers={"Auto-Submitted": "auto-generated", "Content-Language": context["LANGUAGE_CODE"]},
        related=related,
    )
    message.attach_alternative(render_to_string(f"{TEMPLATE_DIR}/{kind}.html", context), "text/html")
    return message


def _tidy(text: str) -> str:
    """Plain text as a person would type it: no trailing blanks, at most one empty line in a row."""
    lines = [line if line == "-- " else line.rstrip() for line in text.splitlines()]  # "-- " opens the signature
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _registration_context(mail: OutgoingMail, registration: Registration):
    event = registration.event
    bookings = queries.held_bookings(registration)
    booked = [b for b in bookings if b.status == BookingStatus.CONFIRMED]
    promoted_slug = (mail.context or {}).get("session_slug")
    context = {
        "registration": registration,
        "event": event,
        "name": registration.name,
        "code": registration.code,
        "category": registration.get_category_display(),
        "manage_url": _absolute("registration:manage", secret=registration.manage_secret),
        "register_url": _absolute("registration:start"),
        "booked": [b.session for b in booked],
        "waiting": [b.session for b in bookings if b.status == BookingStatus.WAITLISTED],
        "promoted_session": next((b.session for b in booked if b.session.slug == promoted_slug), None),
        "is_pending": registration.status == Status.PENDING,
        "is_ended": registration.status in ENDED,
    }
    if mail.kind == MailKind.SEAT_RELEASED:  # registration/noshows.py
        sessions = Session.objects.select_related("room").filter(event=event, slug=promoted_slug)
        context["released_session"] = sessions.first()
    related, attachments = [], []
    if mail.kind in TICKET_KINDS and registration.status == Status.CONFIRMED:
        qr = RelatedImage(
            content=tickets.qr_png(registration),
            subtype="png",
            # Short enough that the header is never folded (some clients mishandle that).
            cid=f"<ticket-qr.{secrets.token_hex(8)}@{UID_DOMAIN}>",
            filename="ticket-qr.png",
        )
        related.append(qr)
        context["qr_cid"] = qr.cid[1:-1]
        context["ticket_url"] = _absolute("registration:ticket_png", secret=registration.manage_secret)
        if booked:
            ics = tickets.sessions_ics(registration, bookings=booked)
            attachments.append((f"{event.slug}-{registration.code}.ics", ics, "text/calendar"))
            context["has_calendar"] = True
    return context, related, attachments


def _mailing_context(mail: OutgoingMail, registration: Registration) -> dict:
    """An organisers' mailing: their text in the row's language (registration.delegations.mailing)."""
    return {
        "registration": registration,
        "event": registration.event,
        "name": registration.name,
        "code": registration.code,
        "manage_url": _absolute("registration:manage", secret=registration.manage_secret),
        **mailing.mail_context(mail),
    }


def _missing_context(mail: OutgoingMail) -> dict:
    return {"event": get_current_event(), "register_url": _absolute("registration:start")}


def _absolute(viewname: str, **kwargs) -> str:
    """An absolute link in the active language (/ko/... or /en/...)."""
    return settings.SITE_URL + reverse(viewname, kwargs=kwargs or None)
