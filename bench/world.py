"""The Django side of the check-in benchmark (bench/checkin.py runs it; not meant to be run by hand).

    python bench/world.py createdb NAME      drop and create the benchmark's database
    python bench/world.py dropdb NAME        drop it
    python bench/world.py prepare OUT.json   fill the migrated database (summit loaded) and
                                             write the tickets, checkpoint and desk accounts
    python bench/world.py verify PLAN.json   count the check-ins, write them as JSON on stdout
    python bench/world.py rush-setup N       (bench/rush.py) a workshop of N seats for the rush,
                                             the cache emptied; its facts as JSON on stdout
    python bench/world.py rush-places N      the event's capacity: the places taken now + N
    python bench/world.py rush-count PREFIX  registrations whose e-mail starts with PREFIX, by
                                             status and booking, and the counters rechecked (JSON)

`prepare` and `verify` read their settings (DATABASE_URL, ...) from the environment
that bench/checkin.py gives them; createdb and dropdb only touch databases whose name
starts with "wegov_bench".
"""

import json
import os
import random
import re
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
# Only databases of this shape are ever dropped or created here.
BENCH_DATABASE = re.compile(r"^wegov_bench[a-z0-9_]*$")
# The summit's second day (7 September 2010): open to citizens, the busiest entrance.
BENCH_DAY = date(2010, 9, 7)

KO_SURNAMES = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권"]
KO_GIVEN = ["민준", "서연", "지호", "하은", "도윤", "지우", "예준", "수아", "시우", "지민", "주원", "서윤", "현우"]
LATIN_FIRST = ["Ana", "José", "Maria", "John", "Fatima", "Lars", "Chloé", "Mehmet", "Ngozi", "Ivan", "Aiko", "Pedro"]
LATIN_LAST = ["Lima", "García", "Smith", "Nguyen", "Dubois", "Okafor", "Yılmaz", "Tanaka", "Novak", "Müller", "Silva"]
ORGANISATIONS = [
    "Seoul Metropolitan Government",
    "서울특별시",
    "Ulaanbaatar City",
    "City of Lisbon",
    "부산광역시",
    "Korea IT Industry Promotion Agency",
    "Hanyang University",
    "City of Hanoi",
    "Samsung SDS",
    "",
]
COUNTRIES = ["KR", "KR", "KR", "MN", "PT", "VN", "JP", "BR", "TR", "NG", "DE"]
# Categories as a door would see them: mostly citizens and professionals.
CATEGORIES = [("citizen", 40), ("it", 20), ("academic", 10), ("delegate", 15), ("press", 5), ("exhibitor", 10)]


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in {"createdb", "dropdb", "prepare", "verify", *RUSH_COMMANDS}:
        print(__doc__, file=sys.stderr)
        return 2
    command, argument = argv[1], argv[2]
    if command in {"createdb", "dropdb"}:
        return recreate_database(argument, create=command == "createdb")
    setup_django()
    if command == "prepare":
        return prepare(Path(argument))
    if command in RUSH_COMMANDS:
        return RUSH_COMMANDS[command](argument)
    return verify(Path(argument))


# Databases -----------------------------------------------------------------------------


def recreate_database(name: str, *, create: bool) -> int:
    """Drop the benchmark's database (closing its connections) and create it again if asked."""
    import psycopg2  # only these two commands need it

    if not BENCH_DATABASE.match(name):
        print(f"refusing to touch database {name!r}: its name must start with 'wegov_bench'", file=sys.stderr)
        return 2
    url = urlsplit(os.environ.get("WEGOV_BENCH_SERVER", "postgres://postgres@127.0.0.1:5432/postgres"))
    connection = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user=url.username, password=url.password, dbname="postgres"
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if create:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()
    return 0


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegov.settings")
    import django

    django.setup()


# Prepare -------------------------------------------------------------------------------


def prepare(out: Path) -> int:
    """Move the loaded summit so that its second day is today, register the attendees
    (through registration.services, as the public form does), create the desk accounts,
    and write what the desks need to `out`."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.db.models import F
    from django.utils import timezone

    from events.models import Event, Session
    from registration import queries, roles, services
    from registration.models import Checkpoint, CheckpointKind, Registration, Status

    registrations = int(os.environ.get("BENCH_REGISTRATIONS", "2000"))
    desks = int(os.environ.get("BENCH_DESKS", "20"))
    seed = int(os.environ.get("BENCH_SEED", "2010"))
    password = os.environ["BENCH_DESK_PASSWORD"]
    rng = random.Random(seed)
    started = time.monotonic()

    event = Event.objects.get(is_current=True)
    today = timezone.localtime(timezone.now(), event.tz).date()
    shift = today - BENCH_DAY
    with transaction.atomic():
        # Whole days, in a time zone without daylight saving: every session keeps its local time.
        Event.objects.filter(pk=event.pk).update(
            start_date=F("start_date") + shift,
            end_date=F("end_date") + shift,
            registration_opens_at=F("registration_opens_at") + shift,
            registration_closes_at=None,
            capacity=None,  # every attendee gets a place (the 2010 figure is 1,500)
        )
        Session.objects.filter(event=event).update(starts_at=F("starts_at") + shift, ends_at=F("ends_at") + shift)
        Checkpoint.objects.filter(event=event, day__isnull=False).update(day=F("day") + shift)
    event.refresh_from_db()
    checkpoint = Checkpoint.objects.get(event=event, slug=f"entrance-{BENCH_DAY.isoformat()}")
    if checkpoint.kind != CheckpointKind.ENTRANCE or checkpoint.day != today:
        raise RuntimeError(f"{checkpoint.slug} is not today's entrance after moving the summit")
    workshops = list(queries.bookable_sessions(event).values_list("pk", flat=True))

    categories = [name for name, weight in CATEGORIES for _ in range(weight)]
    people = []
    with transaction.atomic():
        for n in range(registrations):
            if rng.random() < 0.5:
                name = rng.choice(KO_SURNAMES) + rng.choice(KO_GIVEN)
                language = "ko"
            else:
                name = f"{rng.choice(LATIN_FIRST)} {rng.choice(LATIN_LAST)}"
                language = "en"
            person = {
                "name": name,
                "email": f"bench-{n:05d}@example.org",
                "organisation": rng.choice(ORGANISATIONS),
                "country": rng.choice(COUNTRIES),
                "language": language,
                "category": rng.choice(categories),
            }
            # A quarter book one of the (parallel) workshops; a full one waitlists the booking.
            sessions = [rng.choice(workshops)] if workshops and rng.random() < 0.25 else []
            outcome = services.register(event=event, person=person, session_ids=sessions, news_consent=True)
            people.append(outcome.registration)
        # Organisers approved most press and city delegates; 1 % cancelled; a few flagged for attention.
        for registration in people:
            if registration.status == Status.PENDING and rng.random() < 0.9:
                services.approve(registration=registration)
            elif registration.status == Status.CONFIRMED and rng.random() < 0.01:
                services.cancel(registration=registration)
        flagged = [r.pk for r in people if rng.random() < 0.02]
        Registration.objects.filter(pk__in=flagged).update(needs_attention=True, attention_note="VIP: escort")

        group = roles.ensure_groups()[roles.DESK_STAFF]
        user_model = get_user_model()
        hashed = make_password(password)  # one hash for every desk account: hashing is slow on purpose
        usernames = [f"bench-desk-{n:02d}" for n in range(1, desks + 1)]
        user_model.objects.filter(username__in=usernames).delete()
        users = user_model.objects.bulk_create([user_model(username=u, password=hashed) for u in usernames])
        group.user_set.add(*users)

    # Planner statistics, as autovacuum would have gathered them long before the event (this
    # machine's PostgreSQL may run with autovacuum off; without them a ticket lookup scans
    # every registration of the event instead of using the ticket's unique index).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    rows = Registration.objects.filter(event=event).order_by("pk").values_list("ticket_secret", "code", "status")
    plan = {
        "checkpoint": checkpoint.slug,
        "day": today.isoformat(),
        "shift_days": shift.days,
        "desks": usernames,
        "registrations": [{"ticket": t, "code": c, "status": s} for t, c, s in rows],
        "seconds": round(time.monotonic() - started, 1),
    }
    out.write_text(json.dumps(plan))
    return 0


# Verify --------------------------------------------------------------------------------


def verify(plan_path: Path) -> int:
    """The live check-ins at the benchmark's checkpoint today, per registration code,
    and every check-in row there (live or not), on stdout as JSON."""
    from django.db import connection
    from django.db.models import Count

    from registration.models import CheckIn

    plan = json.loads(plan_path.read_text())
    checkins = CheckIn.objects.filter(checkpoint__slug=plan["checkpoint"], day=plan["day"])
    live = (
        checkins.filter(undone_at__isnull=True)
        .values_list("registration__code")
        .annotate(n=Count("pk"))
        .order_by("registration__code")
    )
    version = connection.pg_version if connection.vendor == "postgresql" else 0
    postgres = f"{version // 10000}.{version % 10000}"
    json.dump({"live": dict(live), "rows": checkins.count(), "postgres": postgres}, sys.stdout)
    return 0


# The rushes (bench/rush.py) --------------------------------------------------------------


def rush_setup(seats: str) -> int:
    """A workshop with `seats` seats that no one has booked yet (the rush's), and an empty
    cache; print the event's and the bookable sessions' facts."""
    from django.core.cache import cache
    from django.db.models import Max

    from events.models import Event, Session
    from registration import queries

    event = Event.objects.get(is_current=True)
    model = queries.bookable_sessions(event).order_by("pk").first()
    last = Session.objects.filter(event=event).aggregate(Max("ends_at"))["ends_at__max"]
    workshop = Session.objects.create(
        event=event,
        slug="bench-rush-workshop",
        kind=model.kind,
        room=model.room,
        title_ko="선착순 워크숍",
        title_en="First-come workshop",
        starts_at=last,
        ends_at=last + (model.ends_at - model.starts_at),
        booking_required=True,
        is_published=True,
        capacity=int(seats),
    )
    cache.clear()
    others = list(queries.bookable_sessions(event).exclude(pk=workshop.pk).values_list("pk", flat=True))
    json.dump({"event": event.pk, "workshop": workshop.pk, "workshops": others}, sys.stdout)
    return 0


def rush_places(places: str) -> int:
    from django.db.models import F

    from events.models import Event

    Event.objects.filter(is_current=True).update(capacity=F("seats_taken") + int(places))
    event = Event.objects.get(is_current=True)
    json.dump({"capacity": event.capacity, "seats_taken": event.seats_taken}, sys.stdout)
    return 0


def rush_count(prefix: str) -> int:
    """What the rush left in the database, counted (and the counters recounted)."""
    from django.db.models import Count, Q

    from events.models import Event, Session
    from registration.models import HOLDS_A_PLACE, Booking, BookingStatus, Registration

    event = Event.objects.get(is_current=True)
    mine = Registration.objects.filter(event=event, email__startswith=prefix)
    statuses = dict(mine.values_list("status").annotate(n=Count("pk")).order_by())
    bookings = Booking.objects.filter(registration__in=mine)
    per_session = {}
    for session_id, status, n in bookings.values_list("session_id", "status").annotate(n=Count("pk")).order_by():
        per_session.setdefault(str(session_id), {})[status] = n
    holding = Registration.objects.filter(event=event, status__in=HOLDS_A_PLACE).count()
    confirmed = Count("bookings", filter=Q(bookings__status=BookingStatus.CONFIRMED))
    sessions_ok = all(
        s.seats_booked == s.confirmed and (s.capacity is None or s.seats_booked <= s.capacity)
        for s in Session.objects.filter(event=event).annotate(confirmed=confirmed)
    )
    counts = {
        "registrations": mine.count(),
        "statuses": statuses,
        "bookings": per_session,
        "event_counter_ok": event.seats_taken == holding
        and (event.capacity is None or event.seats_taken <= event.capacity),
        "session_counters_ok": sessions_ok,
        "seats_taken": event.seats_taken,
        "capacity": event.capacity,
    }
    json.dump(counts, sys.stdout)
    return 0


RUSH_COMMANDS = {"rush-setup": rush_setup, "rush-places": rush_places, "rush-count": rush_count}


if __name__ == "__main__":
    sys.exit(main(sys.argv))
