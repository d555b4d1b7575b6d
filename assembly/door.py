"""The plenary door: checking delegates in and out of the hall, and what the
desk shows about the person (their city's vote, the proxies they carry, or
"observer, no vote").

Entering uses the desk's check-in (registration.checkin.check_in, for the
plenary session at its door), so the one-check-in rules hold: one live CheckIn
per person and session, whichever desk scans. Leaving sets the row's
checked_out_at; coming back clears it on the same row. Both lock the row, so two
desks acting on one person at once queue and the second answers "already";
each passage is logged as a Movement. After the commit the board's shared copy
is dropped, so every screen shows the change on its next poll.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from assembly import queries
from assembly.models import AccreditationRole, AssemblySettings, Direction, Movement
from registration import checkin as checkins
from registration.checkin import Result
from registration.models import CheckIn, Registration

BOARD_KEY = "assembly:board:{event_id}"


class DoorResult:
    IN = "in"  # came in
    BACK_IN = "back_in"  # came back in after leaving
    ALREADY_IN = "already_in"
    OUT = "out"
    ALREADY_OUT = "already_out"  # left earlier, or never came in
    SHOWN = "shown"  # only looked up
    REFUSED = "refused"


@dataclass
class DoorOutcome:
    result: str
    registration: Registration | None = None
    reason: str = ""  # registration.checkin.REASONS, when refused
    inside: bool = False
    at: datetime | None = None


@dataclass
class Standing:
    """What the person holds in the hall (`votes`), or would hold on coming in."""

    kind: str  # "vote", "alternate" (no vote while others vote for the city), "observer"
    city: str = ""
    role: str = ""  # the accreditation's role, "" for an observer
    proxies: list[str] = field(default_factory=list)  # cities whose vote they carry


def board_changed(event_id: int) -> None:
    """Drop the board's shared copy now and after the commit."""
    key = BOARD_KEY.format(event_id=event_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def enter(*, settings: AssemblySettings, registration: Registration | None, user=None, now: datetime) -> DoorOutcome:
    """Let the person into the plenary: a check-in for the plenary session at its
    door (refused as the desk refuses), or, after a check-out, the same row
    back in. Idempotent."""
    with transaction.atomic():
        outcome = checkins.check_in(
            checkpoint=settings.checkpoint, registration=registration, user=user, now=now, for_session=settings.session
        )
        if outcome.result == Result.REFUSED:
            return DoorOutcome(DoorResult.REFUSED, outcome.registration, outcome.reason)
        row = CheckIn.objects.select_for_update().get(pk=outcome.checkin.pk)
        if outcome.result == Result.OK:
            result = DoorResult.IN
        elif row.checked_out_at is not None:
            row.checked_out_at, row.checked_out_by = None, None
            row.save(update_fields=["checked_out_at", "checked_out_by"])
            result = DoorResult.BACK_IN
        else:
            return DoorOutcome(DoorResult.ALREADY_IN, registration, inside=True, at=row.checked_in_at)
        Movement.objects.create(checkin=row, direction=Direction.IN, at=now, by=_user(user))
        board_changed(settings.event_id)
    return DoorOutcome(result, registration, inside=True, at=now)


def leave(*, settings: AssemblySettings, registration: Registration, user=None, now: datetime) -> DoorOutcome:
    """Let the person out: the live check-in's checked_out_at/by. Idempotent."""
    with transaction.atomic():
        row = _plenary_checkins(settings, registration).select_for_update().order_by("-checked_in_at", "-pk").first()
        if row is None or row.checked_out_at is not None:
            return DoorOutcome(DoorResult.ALREADY_OUT, registration, at=row.checked_out_at if row else None)
        row.checked_out_at, row.checked_out_by = now, _user(user)
        row.save(update_fields=["checked_out_at", "checked_out_by"])
        Movement.objects.create(checkin=row, direction=Direction.OUT, at=now, by=_user(user))
        board_changed(settings.event_id)
    return DoorOutcome(DoorResult.OUT, registration, at=now)


def is_inside(settings: AssemblySettings, registration: Registration) -> bool:
    return _plenary_checkins(settings, registration).filter(checked_out_at__isnull=True).exists()


def _plenary_checkins(settings: AssemblySettings, registration: Registration):
    return CheckIn.objects.filter(
        registration=registration,
        checkpoint_id=settings.checkpoint_id,
        session_id=settings.session_id,
        undone_at__isnull=True,
    )


def standing_of(registration: Registration, quorum: queries.Quorum, *, inside: bool) -> Standing:
    """The person's standing in the hall as `quorum` counts it (inside), or the
    one they would have on coming in now (outside)."""
    accreditation = quorum.accreditations.get(registration.pk)
    if accreditation is None:
        return Standing("observer")
    vote = quorum.city(accreditation.city_id)
    city = vote.city.name
    proxies = [holder.name for holder in vote.proxies]
    if inside:
        holds = vote.voter is not None and vote.voter.pk == accreditation.pk
    else:  # coming in: the voting delegate takes the vote; an alternate, unless someone before them holds it
        holds = accreditation.role == AccreditationRole.VOTING or _before(accreditation, vote.voter)
    if holds:
        return Standing("vote", city, accreditation.role, proxies)
    return Standing("alternate", city, accreditation.role)


def _before(alternate, voter) -> bool:
    """Whether `alternate` would hold the vote now held by `voter` (or by nobody):
    alternates act in their order, the voting delegate before all of them."""
    if voter is None:
        return True
    if voter.role == AccreditationRole.VOTING:
        return False
    return (alternate.position, alternate.pk) < (voter.position, voter.pk)


def standing_json(standing: Standing, *, inside: bool) -> dict:
    """The desk's big answer: a headline and what it means, in the page's language
    (for someone outside: what they will hold on coming in)."""
    if standing.kind == "observer":
        title, detail = _("Observer: no vote"), _("Not accredited to vote for a member city.")
    elif standing.kind == "vote":
        title = _("VOTE: %(city)s") % {"city": standing.city}
        detail = (
            _("Voting delegate of %(city)s.")
            if standing.role == AccreditationRole.VOTING
            else _("Alternate of %(city)s, voting while the voting delegate is absent.")
        ) % {"city": standing.city}
    else:
        title = _("Alternate of %(city)s: no vote now") % {"city": standing.city}
        detail = _("The city's vote is held by its voting delegate or an earlier alternate in the hall.")
    if not inside:
        title = _("On entering: %(standing)s") % {"standing": title}
    return {
        "kind": standing.kind,
        "title": title,
        "detail": detail,
        "city": standing.city,
        "proxies": standing.proxies,
        "proxies_title": _("Also carries the proxy of: %(cities)s") % {"cities": ", ".join(standing.proxies)}
        if standing.proxies
        else "",
    }


def _user(user):
    return user if user is not None and user.is_authenticated else None
