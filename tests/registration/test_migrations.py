import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from registration.search import fold

BEFORE = [("registration", "0005_dashboard_and_export_permissions")]
AFTER = [("registration", "0006_backfill_search_text")]


def migrate(targets):
    """Move registration to `targets`, every other app to its latest migration,
    except the apps built on registration (assembly), which are unapplied."""
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    others = []
    for leaf in graph.leaf_nodes():
        if leaf[0] == "registration":
            continue
        built_on_registration = any(node[0] == "registration" for node in graph.forwards_plan(leaf))
        others.append((leaf[0], None) if built_on_registration else leaf)
    executor.migrate(targets + others)
    executor.loader.build_graph()
    return executor.loader.project_state(targets + [node for node in others if node[1] is not None]).apps


@pytest.fixture
def back_to_the_latest_schema():
    """Later tests need every migration applied again, whatever happens here."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest_schema")
def test_backfill_makes_older_registrations_searchable():
    apps = migrate(BEFORE)
    Event = apps.get_model("events", "Event")
    Registration = apps.get_model("registration", "Registration")
    event = Event.objects.create(
        slug="old", name="Old", start_date="2010-09-06", end_date="2010-09-08", time_zone="Asia/Seoul"
    )
    old = Registration.objects.create(
        event=event,
        name="José 김민준",
        email="Jose@Example.org",
        organisation="Ayuntamiento",
        code="AB12CD34",
        ticket_secret="t" * 32,
        manage_secret="m" * 32,
        search_text="",
    )

    apps = migrate(AFTER)

    text = apps.get_model("registration", "Registration").objects.get(pk=old.pk).search_text
    assert text == fold("José 김민준 Jose@Example.org Ayuntamiento AB12CD34")
    assert "jose" in text
    assert "민준" in text
