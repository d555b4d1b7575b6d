"""Erasing a person on their request (PIPA art. 36, GDPR art. 17).

`erase()` is what an organiser does from the admin (registration.privacy_admin)
and what the person does from their private page (registration.privacy_views):
the registration is cancelled by the one cancel service (its seats and place go
to the people waiting, with the usual locks and counters), then anonymised as
the retention purge does (registration.retention.anonymise: every personal
field blanked, in the audit trail's older rows too; new secrets and a new short
code, so the old link, QR code and printed code find nothing; every mail to them,
queued or sent, deleted) and the copies elsewhere go (sessions, the admin's
log, log-in attempts). What stays is anonymous and keeps the counts right:
category, country, status, the cancelled bookings, the consents, the
check-ins. The audit trail records that the erasure happened, by whom and
when (a history row with the reason "erased"), and no erased value.
"""

from django.db import transaction

from registration import audit, retention, services
from registration.models import Registration


def erase(*, registration: Registration, by=None) -> Registration:
    """Cancel and anonymise `registration` in one transaction; `by` is the
    organiser who does it, None when the person erases themselves. Erasing
    twice changes nothing more. Lock order as services.cancel: the event's
    sessions, the registration, the event's row."""
    kind = audit.ActorKind.ORGANISER if by is not None else audit.ActorKind.ATTENDEE
    with transaction.atomic(), audit.acting_as(kind, user=by, via="erasure"):
        registration = services.cancel(registration=registration)  # locks; frees seats, promotes
        if registration.anonymised_at is not None:
            return registration
        person = retention.Person(registration.pk, registration.code, registration.name, registration.email)
        registration = retention.anonymise(registration, keep_news=False, reason=audit.ERASED, new_code=True)
        retention.forget_copies([person])
    return registration
