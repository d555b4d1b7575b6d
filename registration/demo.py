"""Sample attendees for a development site (`make run`), so that the desk, the
dashboard and the exports have people to show. Refused unless
settings.DEMO_ACCOUNTS_ALLOWED (never in production). Every address is at
example.org and their mail is dropped, never sent. Idempotent: an address that
is already registered is left as it is."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from events.models import Event, Session
from events.queries import get_current_event
from registration import queries, services
from registration.models import OutgoingMail, Registration, Status
from registration.roles import require_demo_site


@dataclass(frozen=True)
class Sample:
    name: str
    email: str
    organisation: str
    country: str
    category: str = "citizen"
    city: str = ""
    language: str = "ko"
    workshop: str = ""  # slug of the workshop booked
    needs: str = ""
    approve: bool = True  # delegates and press: approved by an organiser
    vip_note: str = ""


WORKSHOPS = ("workshop-u-city", "workshop-gis", "workshop-un-e-government-network")
SAMPLES = (
    Sample("김민준", "minjun.kim@example.org", "서울특별시 정보화기획단", "KR", "delegate", "서울"),
    Sample("박서연", "seoyeon.park@example.org", "연세대학교", "KR", "academic", "서울", workshop=WORKSHOPS[0]),
    Sample("이지우", "jiwoo.lee@example.org", "", "KR", city="성남", workshop=WORKSHOPS[1]),
    Sample("최하은", "haeun.choi@example.org", "삼성SDS", "KR", "it", "서울", workshop=WORKSHOPS[1]),
    Sample("정도윤", "doyun.jung@example.org", "연합뉴스", "KR", "press", "서울", approve=False),
    Sample("강민서", "minseo.kang@example.org", "", "KR", city="수원", needs="휠체어 이용"),
    Sample("윤서준", "seojun.yoon@example.org", "LG CNS", "KR", "exhibitor", "서울"),
    Sample("Jordi Puig", "jordi.puig@example.org", "Ajuntament de Barcelona", "ES", "delegate", "Barcelona", "en"),
    Sample(
        "José Müller",
        "jose.muller@example.org",
        "Stadt Frankfurt am Main",
        "DE",
        "delegate",
        "Frankfurt",
        "en",
        vip_note="Deputy mayor: escort to the front row",
    ),
    Sample(
        "Anna Schmidt",
        "anna.schmidt@example.org",
        "Senatsverwaltung Berlin",
        "DE",
        "delegate",
        "Berlin",
        "en",
        workshop=WORKSHOPS[2],
    ),
    Sample("Nguyễn Văn An", "an.nguyen@example.org", "Hanoi People's Committee", "VN", "delegate", "Hanoi", "en"),
    Sample(
        "Batbayar Dorj",
        "batbayar.dorj@example.org",
        "Ulaanbaatar City",
        "MN",
        "delegate",
        "Ulaanbaatar",
        "en",
        approve=False,
    ),
    Sample(
        "Emily Chen",
        "emily.chen@example.org",
        "City of San Francisco",
        "US",
        "it",
        "San Francisco",
        "en",
        workshop=WORKSHOPS[0],
    ),
    Sample(
        "Olga Ivanova",
        "olga.ivanova@example.org",
        "Moscow City Government",
        "RU",
        "academic",
        "Moscow",
        "en",
        needs="Vegetarian meals",
    ),
    Sample("Hamid Al-Farsi", "hamid.alfarsi@example.org", "حكومة دبي الإلكترونية", "AE", "it", "Dubai", "en"),
)


def ensure_demo_attendees() -> tuple[int, int]:
    """Register the sample attendees in the current event; return (created, already there)."""
    require_demo_site("Sample attendees")
    event = get_current_event()
    if event is None or not event.registration_is_open(timezone.now()):
        return 0, 0  # no summit, or loaded without --demo: registration is closed
    workshops = dict(Session.objects.filter(event=event, slug__in=WORKSHOPS).values_list("slug", "pk"))
    created = existing = 0
    for sample in SAMPLES:
        if queries.same_address(event, sample.email).exists():
            existing += 1
            continue
        _register(event, sample, workshops)
        created += 1
    return created, existing


def _register(event: Event, sample: Sample, workshops: dict[str, int]) -> Registration:
    person = {
        "name": sample.name,
        "email": sample.email,
        "organisation": sample.organisation,
        "country": sample.country,
        "city": sample.city,
        "language": sample.language,
        "category": sample.category,
        "needs": sample.needs,
    }
    sessions = [workshops[sample.workshop]] if sample.workshop in workshops else []
    # One transaction: the mail the services queue is deleted before the commit,
    # so the send-after-commit finds nothing and no worker ever sends it.
    with transaction.atomic():
        registration = services.register(
            event=event, person=person, session_ids=sessions, sensitive_consent=bool(sample.needs)
        ).registration
        if sample.vip_note:
            registration.needs_attention = True
            registration.attention_note = sample.vip_note
            registration.save(update_fields=["needs_attention", "attention_note"])
        if sample.approve and registration.status == Status.PENDING:
            services.approve(registration=registration)
        OutgoingMail.objects.filter(registration=registration).delete()
    return registration
