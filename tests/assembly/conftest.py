import pytest

from tests.assembly.world import DURING, build_plenary
from tests.registration.desk_world import staff_user


@pytest.fixture
def plenary(db):
    return build_plenary()


@pytest.fixture
def during(time_machine):
    """The clock stands still during the plenary (11:05, 7 September 2010)."""
    time_machine.move_to(DURING, tick=False)
    return time_machine


@pytest.fixture
def desk_client(client, db):
    client.force_login(staff_user("door", "Desk staff"))
    return client
