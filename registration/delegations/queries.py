"""The delegations page's reads: every participating city of an event with its
delegates, their bookings and check-ins, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from events.models import Event, ParticipatingCity
from registration.models import HOLDS_A_PLACE, Booking, CheckIn, Registration


@dataclass
class Delegation:
    city: ParticipatingCity
    delegates: list[Registration] = field(default_factory=list)

    @property
    def holding_a_place(self) -> int:
        return sum(1 for person in self.delegates if person.status in HOLDS_A_PLACE)

    @property
    def checked_in(self) -> int:
        return sum(1 for person in self.delegates if person.live_checkins)


def delegations(event: Event) -> list[Delegation]:
    """The event's participating cities in the programme's order, each with its
    delegates by name; each delegate with `held_bookings` (not cancelled, in
    time order, with the session) and `live_checkins` (not undone, with the
    checkpoint). Four queries whatever the numbers."""
    cities = {city.pk: Delegation(city=city) for city in ParticipatingCity.objects.filter(event=event)}
    people = (
        Registration.objects.filter(event=event, delegation__isnull=False)
        .order_by("name", "pk")
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=Booking.objects.active().select_related("session").in_time_order(),
                to_attr="held_bookings",
            ),
            Prefetch(
                "checkins",
                queryset=CheckIn.objects.filter(undone_at__isnull=True)
                .select_related("checkpoint", "session")
                .order_by("checked_in_at", "pk"),
                to_attr="live_checkins",
            ),
        )
    )
    for person in people:
        delegation = cities.get(person.delegation_id)
        if delegation is not None:  # a city of this event
            delegation.delegates.append(person)
    return list(cities.values())
