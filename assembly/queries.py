"""Reads of the General Assembly: who is in the plenary hall, who holds each
member city's vote, and the quorum, in a fixed number of queries.

The rules, in one place (docs/assembly.md says them to organisers):
- A person is *in the hall* while their check-in at the plenary door, for the
  plenary session, is live (not undone) and not checked out.
- A member city *votes directly* when its voting delegate is in the hall, or,
  while the voting delegate is not, the first of its alternates in the hall (in
  their order): that person holds the city's vote.
- A city that votes directly casts its own vote even when it gave its proxy. A
  city that does not vote directly but gave its proxy votes *by proxy* when the
  holder city votes directly; the person holding the holder's vote carries it.
- Votes present = cities voting directly + cities voting by proxy. The quorum is
  reached when they reach AssemblySettings.quorum_required(member cities).
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from assembly.models import VOTING_ROLES, Accreditation, AssemblySettings, Proxy
from events.models import Event, ParticipatingCity
from registration.models import ENDED, CheckIn


@dataclass
class CityVote:
    city: ParticipatingCity
    voter: Accreditation | None = None  # who holds the city's vote in the hall
    proxy_holder: ParticipatingCity | None = None  # the city its proxy went to
    proxies: list[ParticipatingCity] = field(default_factory=list)  # cities whose proxy it holds
    by_proxy: bool = False  # its vote is cast by the holder city

    @property
    def votes_directly(self) -> bool:
        return self.voter is not None


@dataclass
class Quorum:
    members: int
    required: int
    direct: int
    by_proxy: int
    cities: list[CityVote]
    accreditations: dict[int, Accreditation]  # by registration id, with `in_hall`

    @property
    def votes(self) -> int:
        return self.direct + self.by_proxy

    @property
    def reached(self) -> bool:
        return self.members > 0 and self.votes >= self.required

    def city(self, city_id: int) -> CityVote | None:
        return next((vote for vote in self.cities if vote.city.pk == city_id), None)


def settings_of(event: Event) -> AssemblySettings | None:
    """The edition's assembly settings with the plenary session and door (one query)."""
    return (
        AssemblySettings.objects.select_related("session", "checkpoint__event", "checkpoint__room")
        .filter(event_id=event.pk)
        .first()
    )


def in_hall(settings: AssemblySettings) -> Exists:
    """Whether the registration (OuterRef "registration") is in the plenary hall now."""
    return Exists(
        CheckIn.objects.filter(
            registration=OuterRef("registration"),
            checkpoint_id=settings.checkpoint_id,
            session_id=settings.session_id,
            undone_at__isnull=True,
            checked_out_at__isnull=True,
        )
    )


def quorum_of(settings: AssemblySettings) -> Quorum:
    """The member cities, who holds each one's vote in the hall and the quorum:
    three queries (cities, accreditations with their presence, proxies)."""
    cities = list(
        ParticipatingCity.objects.filter(event_id=settings.event_id, role__in=VOTING_ROLES).order_by("position", "pk")
    )
    votes = {city.pk: CityVote(city) for city in cities}
    accreditations = list(
        Accreditation.objects.filter(city_id__in=votes)
        .exclude(registration__status__in=ENDED)
        .select_related("registration")
        .annotate(in_hall=in_hall(settings))
        .order_by("city_id", "-role", "position", "pk")  # the voting delegate first, then alternates in order
    )
    for accreditation in accreditations:
        vote = votes[accreditation.city_id]
        if accreditation.in_hall and vote.voter is None:
            vote.voter = accreditation
    for proxy in Proxy.objects.filter(giver_id__in=votes, holder_id__in=votes):
        votes[proxy.giver_id].proxy_holder = votes[proxy.holder_id].city
        votes[proxy.holder_id].proxies.append(votes[proxy.giver_id].city)
    for vote in votes.values():
        holder = votes[vote.proxy_holder.pk] if vote.proxy_holder else None
        vote.by_proxy = not vote.votes_directly and holder is not None and holder.votes_directly
    members = len(cities)
    return Quorum(
        members=members,
        required=settings.quorum_required(members),
        direct=sum(vote.votes_directly for vote in votes.values()),
        by_proxy=sum(vote.by_proxy for vote in votes.values()),
        cities=list(votes.values()),
        accreditations={a.registration_id: a for a in accreditations},
    )


def board_json(quorum: Quorum) -> dict:
    """What the public quorum board shows: figures and city names only, no person."""
    return {
        "members": quorum.members,
        "required": quorum.required,
        "direct": quorum.direct,
        "by_proxy": quorum.by_proxy,
        "votes": quorum.votes,
        "reached": quorum.reached,
        "cities": [
            {
                "name_ko": vote.city.name_ko or vote.city.name,
                "name_en": vote.city.name_en or vote.city.name,
                "vote": "direct" if vote.votes_directly else "proxy" if vote.by_proxy else "absent",
            }
            for vote in quorum.cities
        ],
    }
