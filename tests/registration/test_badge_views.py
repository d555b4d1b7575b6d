"""Badges: one attendee's PDF at the desk, and the organisers' admin actions that
print the badges of the selected (or all filtered) registrations.

The actions are tested on the real admin site (/ko/admin/), where
registration/admin.py puts them in RegistrationAdmin.actions."""

import io
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, A6

from registration import services
from registration.desk.admin import print_badges_a4, print_badges_a6
from registration.models import Category, Registration
from registration.roles import DESK_STAFF, ORGANISERS, ensure_groups
from tests.factories import EventFactory, PersonFactory

NANUM = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
needs_nanum = pytest.mark.skipif(not NANUM.is_file(), reason="needs Debian fonts-nanum (make fonts)")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mail_after_commit")]

CHANGELIST = "admin:registration_registration_changelist"


@pytest.fixture
def event():
    return EventFactory(slug="wego-2010", short_name_en="WeGO General Assembly", short_name_ko="WeGO 창립총회")


def user_in(group: str, *, username: str, is_staff: bool) -> User:
    ensure_groups()
    user = User.objects.create_user(username, password="irrelevant", is_staff=is_staff)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def desk(client):
    client.force_login(user_in(DESK_STAFF, username="desk-1", is_staff=False))
    return client


@pytest.fixture
def organiser(client):
    client.force_login(user_in(ORGANISERS, username="organiser-1", is_staff=True))
    return client


def register(event, **person) -> Registration:
    return services.register(event=event, person=PersonFactory(**person), session_ids=[]).registration


def badge_url(code: str, **query) -> str:
    with translation.override("en"):
        url = reverse("desk:badge", kwargs={"code": code})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def pages(pdf: bytes):
    return PdfReader(io.BytesIO(pdf)).pages


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pages(pdf)]


def page_size(page) -> tuple[float, float]:
    return (round(float(page.mediabox.width)), round(float(page.mediabox.height)))


# One badge at the desk ---------------------------------------------------------------------


def test_desk_staff_open_a_badge_pdf_for_a_hangul_name(desk, event):
    kim = register(event, name="김민준", organisation="서울특별시 정보화기획단", city="서울")

    response = desk.get(badge_url(kim.code))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="badge-{kim.code}.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF")
    assert len(pages(response.content)) == 1


@needs_nanum
def test_the_badge_prints_the_hangul_name(desk, event):
    kim = register(event, name="김민준", organisation="서울특별시 정보화기획단", city="서울")

    [text] = page_texts(desk.get(badge_url(kim.code)).content)

    assert "김민준" in text
    assert "서울특별시 정보화기획단" in text
    assert kim.code in text


def test_badge_is_one_a6_page_by_default(desk, event):
    person = register(event, name="José García")

    [page] = pages(desk.get(badge_url(person.code)).content)

    assert page_size(page) == (round(A6[0]), round(A6[1]))


def test_badge_on_a4_paper(desk, event):
    person = register(event, name="José García")

    response = desk.get(badge_url(person.code, layout="a4x4"))

    [page] = pages(response.content)
    assert page_size(page) == (round(A4[0]), round(A4[1]))


def test_badge_code_may_be_typed_in_lower_case(desk, event):
    person = register(event, name="José García")

    response = desk.get(badge_url(person.code.lower()))

    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("layout", ["a5", "A6", "a6 ", "<script>", "x" * 1000])
def test_unknown_layout_is_400(desk, event, layout):
    person = register(event, name="José García")

    response = desk.get(badge_url(person.code), {"layout": layout})

    assert response.status_code == 400
    assert "Unknown badge layout. Use one of: a6, a4x4." in response.content.decode()


@pytest.mark.parametrize("code", ["NOSUCH22", "%00", "x" * 300, "%E2%9C%93"])
def test_unknown_code_is_404(desk, event, code):
    register(event, name="José García")

    response = desk.get(badge_url(code))

    assert response.status_code == 404


@pytest.mark.parametrize("raw", ["%00", "%EF%BF%BF", "AB%2FCD"])
def test_odd_bytes_in_the_address_are_404(desk, event, raw):
    response = desk.get(f"/en/desk/attendee/{raw}/badge.pdf")

    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_the_desk_login(client, event):
    person = register(event, name="José García")

    response = client.get(badge_url(person.code))

    with translation.override("en"):
        login = reverse("desk:login")
    assert response.status_code == 302
    assert response["Location"].startswith(login)
    assert not response.content.startswith(b"%PDF")


def test_accounts_without_the_desk_permission_get_no_badge(client, event):
    person = register(event, name="José García")
    client.force_login(User.objects.create_user("visitor", password="irrelevant"))

    response = client.get(badge_url(person.code))

    assert response.status_code == 403
    assert not response.content.startswith(b"%PDF")


# Many badges from the admin -------------------------------------------------------------------


def changelist_url(lang: str = "ko", **query) -> str:
    """The real admin's registrations list, /ko/admin/… as organisers open it."""
    with translation.override(lang):
        url = reverse(CHANGELIST)
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def run_action(client, action: str, registrations, *, select_across: bool = False, **query):
    data = {"action": action, "_selected_action": [r.pk for r in registrations], "index": 0}
    if select_across:
        data["select_across"] = "1"
    return client.post(changelist_url(**query), data)


def test_organisers_see_the_print_actions(organiser, event):
    register(event, name="José García")

    response = organiser.get(changelist_url())

    assert response.wsgi_request.path.startswith("/ko/admin/")
    choices = dict(response.context["action_form"].fields["action"].choices)
    assert {"print_badges_a6", "print_badges_a4"} <= choices.keys()
    html = organiser.get(changelist_url("en")).content.decode()
    assert '<option value="print_badges_a6">Print badges (A6)</option>' in html
    assert '<option value="print_badges_a4">Print badges (4 per A4)</option>' in html


@pytest.mark.parametrize(("count", "expected_pages"), [(1, 1), (3, 3)])
def test_organisers_print_a6_badges_of_the_selected_rows(organiser, event, count, expected_pages):
    people = [register(event, name=f"Attendee {i}") for i in range(count)]
    register(event, name="Not selected")

    response = run_action(organiser, "print_badges_a6", people)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="badges-a6.pdf"'
    texts = page_texts(response.content)
    assert len(texts) == expected_pages
    assert all(page_size(page) == (round(A6[0]), round(A6[1])) for page in pages(response.content))
    assert not any("Not selected" in text for text in texts)


@pytest.mark.parametrize(("count", "expected_sheets"), [(4, 1), (5, 2), (8, 2), (9, 3)])
def test_organisers_print_four_badges_to_an_a4_sheet(organiser, event, count, expected_sheets):
    people = [register(event, name=f"Attendee {i}") for i in range(count)]

    response = run_action(organiser, "print_badges_a4", people)

    sheets = pages(response.content)
    assert len(sheets) == expected_sheets
    assert page_size(sheets[0]) == (round(A4[0]), round(A4[1]))
    assert response["Content-Disposition"] == 'inline; filename="badges-a4x4.pdf"'


def test_select_all_prints_the_whole_filtered_set(organiser, event):
    press = [
        register(event, name=f"Reporter {i}", category=Category.PRESS, organisation="Seoul Daily") for i in range(3)
    ]
    register(event, name="A citizen")

    # The admin's "select all 3" sends one row and select_across for the filtered list.
    response = run_action(organiser, "print_badges_a6", press[:1], select_across=True, category__exact="press")

    texts = page_texts(response.content)
    assert len(texts) == 3
    assert not any("A citizen" in text for text in texts)


def test_a_filtered_set_prints_in_the_lists_order(organiser, event):
    delegates = {name: register(event, name=name, category=Category.DELEGATE) for name in ("Chloé", "Ana", "Bae")}
    register(event, name="Aaron Citizen")

    # All delegates, the list sorted by name (its second column, after the tick boxes).
    response = run_action(
        organiser, "print_badges_a6", [delegates["Bae"]], select_across=True, category__exact="delegate", o="2"
    )

    codes = [r.code for r in delegates.values()]
    printed = [[code for code in codes if code in text] for text in page_texts(response.content)]
    assert printed == [[delegates["Ana"].code], [delegates["Bae"].code], [delegates["Chloé"].code]]


def test_desk_staff_cannot_use_the_admin_actions(desk, event):
    person = register(event, name="José García")

    response = run_action(desk, "print_badges_a6", [person])

    assert response.status_code == 302  # to the admin's log-in page: desk staff are not staff
    assert "login" in response["Location"]
    assert not response.content.startswith(b"%PDF")


def test_the_actions_refuse_a_user_who_may_not_view_registrations(event):
    person = register(event, name="José García")
    request = RequestFactory().post("/")
    request.user = user_in(DESK_STAFF, username="desk-2", is_staff=True)  # staff, but no admin permission
    modeladmin = admin.site.get_model_admin(Registration)

    for action in (print_badges_a6, print_badges_a4):
        with pytest.raises(PermissionDenied):
            action(modeladmin, request, Registration.objects.filter(pk=person.pk))
