"""Registering a walk-in: a person who arrives at the desk without registering
is registered and checked in at once (the desk's walk-in page,
registration/desk/walkin.py, is a thin view over this)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from events.models import Event
from registration import audit, services
from registration.checkin import CheckInOutcome, Result, check_in
from registration.errors import RegistrationError
from registration.models import Checkpoint, Registration

# The desk's walk-in page lists the registrations that look like this person's above its form.
EMAIL_TAKEN = _(
    "This e-mail address is already registered (see the list above): check that person in instead, or "
    "leave the e-mail address empty to register someone else."
)


@dataclass
class WalkIn:
    registration: Registration
    checkin: CheckInOutcome


def register_walk_in(
    *,
    event: Event,
    person: dict,
    session_ids: list[int],
    submission_token: str,
    checkpoint: Checkpoint,
    user=None,
    device: str = "",
) -> WalkIn:
    """Register the person (services.register, walk_in=True: open after the
    online registration has closed, consents recorded "via desk") and check
    them in at `checkpoint` (admit_walk_in). Idempotent per submission token: a
    form sent twice registers once and checks in once. One registration per
    e-mail address: an address someone registered a moment ago is refused
    (RegistrationError "email_taken", field email), and that registration is
    e-mailed its link as services.register does. Two transactions: the
    registration commits before the check-in."""
    with audit.acting_as(audit.ActorKind.DESK, user=user, via="walk_in"):  # the audit trail's "who"
        outcome = services.register(
            event=event,
            person=person,
            session_ids=session_ids,
            submission_token=submission_token,
            walk_in=True,
        )
        if not outcome.created and outcome.registration.submission_token != submission_token:
            raise RegistrationError(EMAIL_TAKEN, code="email_taken", field="email")
        return admit_walk_in(registration=outcome.registration, checkpoint=checkpoint, user=user, device=device)


def admit_walk_in(*, registration: Registration, checkpoint: Checkpoint, user=None, device: str = "") -> WalkIn:
    """Check a walk-in in at `checkpoint` (registration.checkin.check_in: at
    most one live check-in). The walk-in's own check-in made by the first of two
    identical submissions counts as theirs: "already" is answered as "ok"."""
    outcome = check_in(checkpoint=checkpoint, registration=registration, user=user, device=device)
    if outcome.result == Result.ALREADY:
        outcome.result = Result.OK
    return WalkIn(registration=registration, checkin=outcome)
