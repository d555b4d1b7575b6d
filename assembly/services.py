"""Writes of the General Assembly: accreditations, proxies, decisions.
(The plenary door's check-in and check-out are in assembly/door.py.)

Locks: a write about a city locks that city's ParticipatingCity row (both
cities' rows, in primary-key order, for a proxy), so two organisers giving
proxies to one city, or a chain being made from both ends at once, queue on a
row and the second one decides on what the first committed.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assembly import queries
from assembly.errors import AssemblyError
from assembly.models import (
    VOTING_ROLES,
    Accreditation,
    AccreditationRole,
    AssemblySettings,
    Decision,
    Proxy,
)
from events import pagecache
from events.models import ParticipatingCity
from registration.models import ENDED, Category, Registration


def _user(user):
    return user if user is not None and user.is_authenticated else None


def _lock_cities(*cities: ParticipatingCity) -> dict[int, ParticipatingCity]:
    ids = sorted({city.pk for city in cities})
    return {city.pk: city for city in ParticipatingCity.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


# Accreditation --------------------------------------------------------------------


def check_accreditation(*, registration: Registration, city: ParticipatingCity) -> None:
    """Raise AssemblyError unless `registration` may be accredited for `city`:
    a member city, and a delegate of that city (Registration.delegation) whose
    registration has not ended."""
    if city.role not in VOTING_ROLES:
        raise AssemblyError(_("Only member cities have a vote."), code="not_member")
    if registration.event_id != city.event_id:
        raise AssemblyError(_("This person is registered for another event."), code="other_event")
    if registration.category != Category.DELEGATE or registration.delegation_id != city.pk:
        raise AssemblyError(_("This person is not registered as a delegate of this city."), code="not_delegate")
    if registration.status in ENDED:
        raise AssemblyError(_("This registration was cancelled or not approved."), code="ended")


def accredit(
    *,
    registration: Registration,
    city: ParticipatingCity,
    role: str,
    credentials: str,
    position: int = 1,
    user=None,
) -> Accreditation:
    """Accredit a delegate as the city's voting delegate or an alternate (or
    change their accreditation). Locks the city's row: one voting delegate per
    city is decided on committed rows (and the unique constraint backs it)."""
    if not credentials.strip():
        raise AssemblyError(_("Say which credentials were checked."), code="no_credentials")
    with transaction.atomic():
        city = _lock_cities(city)[city.pk]
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        check_accreditation(registration=registration, city=city)
        voting = Accreditation.objects.filter(city=city, role=AccreditationRole.VOTING).exclude(
            registration=registration
        )
        if role == AccreditationRole.VOTING and voting.exists():
            raise AssemblyError(_("This city already has a voting delegate."), code="voting_taken")
        accreditation, _created = Accreditation.objects.update_or_create(
            registration=registration,
            defaults={
                "city": city,
                "role": role,
                "position": position,
                "credentials": credentials.strip(),
                "accredited_by": _user(user),
                "accredited_at": timezone.now(),
            },
        )
    return accreditation


# Proxies --------------------------------------------------------------------------


def give_proxy(*, giver: ParticipatingCity, holder: ParticipatingCity, user=None) -> Proxy:
    """Record that `giver` gave its proxy to `holder`. Refused: to itself, between
    editions or to a non-member, a second proxy from one city, a chain (a city
    that gave its proxy holds none, and one holding proxies gives none), and a
    holder already at the edition's limit. Locks both cities' rows (pk order),
    so every rule is decided on committed rows even under concurrent requests."""
    if giver.pk == holder.pk:
        raise AssemblyError(_("A city cannot give its proxy to itself."), code="self")
    with transaction.atomic():
        cities = _lock_cities(giver, holder)
        giver, holder = cities[giver.pk], cities[holder.pk]
        if giver.event_id != holder.event_id or {giver.role, holder.role} - set(VOTING_ROLES):
            raise AssemblyError(_("Both cities must be member cities of this event."), code="not_member")
        if Proxy.objects.filter(giver=giver).exists():
            raise AssemblyError(_("This city has already given its proxy."), code="already_given")
        if Proxy.objects.filter(holder=giver).exists():
            raise AssemblyError(_("This city holds proxies of other cities: it cannot pass them on."), code="chain")
        if Proxy.objects.filter(giver=holder).exists():
            raise AssemblyError(_("The holder city has given its own proxy: it cannot hold one."), code="chain")
        settings = AssemblySettings.objects.filter(event_id=giver.event_id).first()
        limit = settings.max_proxies if settings else 1
        if Proxy.objects.filter(holder=holder).count() >= limit:
            raise AssemblyError(
                _("The holder city already holds as many proxies as allowed (%(limit)s).") % {"limit": limit},
                code="limit",
            )
        return Proxy.objects.create(giver=giver, holder=holder, given_by=_user(user))


def withdraw_proxy(*, proxy: Proxy) -> None:
    """Take a proxy back (the giving city arrived, or changed its mind)."""
    with transaction.atomic():
        _lock_cities(proxy.giver, proxy.holder)
        Proxy.objects.filter(pk=proxy.pk).delete()


# Decisions ------------------------------------------------------------------------


def record_decision(*, decision: Decision, user=None, now: datetime | None = None) -> Decision:
    """Save a new decision with the quorum as counted now (never typed); an
    unpublished decision saved again keeps the quorum it was recorded with."""
    if decision.pk is None:
        settings = queries.settings_of(decision.event)
        if settings is None or settings.checkpoint_id is None or settings.session_id is None:
            raise AssemblyError(_("Set up the plenary session and door first (assembly settings)."), code="no_settings")
        quorum = queries.quorum_of(settings)
        decision.session_id = decision.session_id or settings.session_id
        decision.members = quorum.members
        decision.quorum_required = quorum.required
        decision.votes_present = quorum.votes
        decision.quorum_reached = quorum.reached
        decision.recorded_at = now or timezone.now()
        decision.recorded_by = _user(user)
    if decision.votes_for + decision.votes_against + decision.votes_abstain > decision.votes_present:
        raise AssemblyError(
            _("More votes than the %(present)s votes present.") % {"present": decision.votes_present}, code="votes"
        )
    decision.save()
    return decision


def publish_decision(*, decision: Decision, user=None, now: datetime | None = None) -> Decision:
    """Publish a decision: from now on it is a record, frozen (model, admin and a
    database trigger refuse changes), and shown on the plenary's public page,
    whose cached copies are made stale in the same transaction."""
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if locked.published_at is None:
            Decision.objects.filter(pk=locked.pk, published_at__isnull=True).update(
                published_at=now or timezone.now(), published_by=_user(user)
            )
            pagecache.content_changed()
    return Decision.objects.get(pk=decision.pk)
