"""Mail sent again on request: the private link a visitor lost, and the
"welcome" mail an organiser resends. Like every write, they only queue outbox
rows (registration.outbox), sent after the commit."""

from collections.abc import Iterable

from django.db import transaction

from events.models import Event
from registration import antiabuse, outbox, queries
from registration.models import WELCOME_MAIL, MailKind, Registration


def send_manage_link(*, event: Event, email: str) -> None:
    """Queue the private link of the event's registration with this address, if
    there is one, to that registration's own address. At most a few an hour to
    one address (a throttle), and it tells nobody whether the address is
    registered: the caller shows the same page either way."""
    if not antiabuse.hit("lost_email", email.casefold()).allowed:
        return
    with transaction.atomic():
        registration = queries.same_address(event, email).first()
        if registration is not None:
            outbox.queue(kind=MailKind.MANAGE_LINK, registration=registration, to_email=registration.email)


def resend_welcome(*, registrations: Iterable[Registration]) -> tuple[int, int]:
    """Queue again the mail each registration got when it was made, for its
    status now (WELCOME_MAIL: confirmed, pending or waiting). A cancelled or
    rejected registration, or one without an e-mail address, gets nothing.
    All or none are queued (one transaction). Returns (queued, skipped)."""
    done = skipped = 0
    with transaction.atomic():
        for registration in registrations:
            kind = WELCOME_MAIL.get(registration.status)
            if kind is None or not registration.email:
                skipped += 1
                continue
            outbox.queue(kind=kind, registration=registration)
            done += 1
    return done, skipped
