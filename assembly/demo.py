"""Sample accreditations for a development site (`make run`), after the sample
attendees (registration/demo.py): five delegates (Seoul, Barcelona, Frankfurt,
Berlin, Hanoi) made delegates of their city and accredited as its voting
delegate, and Moscow's proxy given to Barcelona. Refused unless
settings.DEMO_ACCOUNTS_ALLOWED. Idempotent: what exists is left as it is."""

from django.db import transaction

from assembly import queries, services
from assembly.errors import AssemblyError
from assembly.models import Accreditation, AccreditationRole, Proxy
from events.models import ParticipatingCity
from events.queries import get_current_event
from registration.models import Registration
from registration.roles import require_demo_site

# (sample attendee's e-mail, city's English name)
VOTERS = (
    ("minjun.kim@example.org", "Seoul"),
    ("jordi.puig@example.org", "Barcelona"),
    ("jose.muller@example.org", "Frankfurt"),
    ("anna.schmidt@example.org", "Berlin"),
    ("an.nguyen@example.org", "Hanoi"),
)
PROXIES = (("Moscow", "Barcelona"),)


def ensure_demo_assembly() -> int:
    """Accredit the sample voting delegates; return how many were accredited now."""
    require_demo_site("Sample accreditations")
    event = get_current_event()
    if event is None or queries.settings_of(event) is None:
        return 0
    cities = {city.name_en: city for city in ParticipatingCity.objects.filter(event=event)}
    people = {r.email: r for r in Registration.objects.filter(event=event, email__in=[e for e, _ in VOTERS])}
    accredited = 0
    with transaction.atomic():
        for email, name in VOTERS:
            registration, city = people.get(email), cities.get(name)
            if registration is None or city is None or Accreditation.objects.filter(registration=registration).exists():
                continue
            registration.delegation = city
            registration.save(update_fields=["delegation"])
            try:
                services.accredit(
                    registration=registration,
                    city=city,
                    role=AccreditationRole.VOTING,
                    credentials="Sample: letter from the mayor",
                )
                accredited += 1
            except AssemblyError:
                continue  # e.g. not approved: left out of the demo
        for giver, holder in PROXIES:
            if giver in cities and holder in cities and not Proxy.objects.filter(giver=cities[giver]).exists():
                services.give_proxy(giver=cities[giver], holder=cities[holder])
    return accredited
