"""Organisers give partners viewer accounts (registration/partners/): the
account is staff, a viewer and nothing else, with no password until the
partner sets one through the link shown once; organisers withdraw it; no other
account can be seen or touched through these pages."""

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from registration import roles
from registration.partners import services
from tests.registration.delegation_helpers import organiser_user
from tests.registration.pages import text
from tests.registration.test_concurrency import run_at_once

User = get_user_model()
pytestmark = [pytest.mark.django_db]
PARTNER_PASSWORD = "Spree-river-bridges-2010"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.REQUIRE_2FA = False  # two-factor log-in has its own tests (tests/twofactor)
    with translation.override("en"):
        yield


@pytest.fixture
def organiser(client):
    user = organiser_user()
    client.force_login(user)
    return user


def in_group(username: str, *groups: str, is_staff=True, **fields):
    user = User.objects.create_user(username, password="irrelevant", is_staff=is_staff, **fields)
    user.groups.add(*[roles.ensure_groups()[group] for group in groups])
    return user


def give(client, **data):
    form = {"username": "partner-berlin", "name": "Anna Schmidt (Berlin)", "email": "anna@berlin.example.org"}
    return client.post(reverse("partners:viewers"), {**form, **data})


def link_path(client) -> str:
    """The set-password link shown (once) after the account was given."""
    response = client.get(reverse("partners:viewers"))
    return urlsplit(response.context["new_account"]["link"]).path


def set_password(client, path: str, password: str = PARTNER_PASSWORD):
    """Open the partner's link and choose a password, as a browser does."""
    opened = client.get(path)
    if opened.status_code != 302:  # Django moves a good token into the session and on
        return opened
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password})


def error_next_to(response, field: str) -> str:
    """The error list rendered next to a field (admin/delegations/_field.html), as text."""
    html = response.content.decode()
    start = html.index(f'<ul class="errorlist" id="id_{field}_error">')
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html[start : html.index("</ul>", start)])).split())


def test_an_organiser_gives_a_partner_a_viewer_account(client, organiser):
    response = give(client, is_superuser="on", groups="1", user_permissions="1")  # unknown fields ignored

    assert response.status_code == 302
    assert response["Location"] == reverse("partners:viewers")
    partner = User.objects.get(username="partner-berlin")
    assert (partner.is_staff, partner.is_superuser, partner.is_active) == (True, False, True)
    assert list(partner.groups.values_list("name", flat=True)) == [roles.VIEWERS]
    assert not partner.user_permissions.exists()
    assert not partner.has_usable_password()
    assert (partner.first_name, partner.email) == ("Anna Schmidt (Berlin)", "anna@berlin.example.org")
    logged = LogEntry.objects.get(object_id=str(partner.pk))
    assert (logged.user, logged.action_flag) == (organiser, ADDITION)


def test_the_link_is_shown_once(client, organiser):
    give(client)

    first = client.get(reverse("partners:viewers"))
    again = client.get(reverse("partners:viewers"))

    link = first.context["new_account"]["link"]
    assert link.startswith("http://testserver/en/admin/accounts/set-password/")
    assert link in first.content.decode()
    assert again.context["new_account"] is None
    assert "/set-password/" not in again.content.decode()
    assert "waiting for the partner to set a password" in text(again)


def test_the_partner_sets_a_password_once_then_reads_the_dashboard_but_exports_nothing(client, organiser):
    give(client)
    path = link_path(client)
    client.logout()

    done = set_password(client, path)

    assert done["Location"] == reverse("partners:set_password_done")
    assert "Your password is set" in text(client.get(done["Location"]))
    assert User.objects.get(username="partner-berlin").check_password(PARTNER_PASSWORD)
    dashboard = reverse("dashboard:index")
    logged_in = client.post(
        reverse("admin:login"), {"username": "partner-berlin", "password": PARTNER_PASSWORD, "next": dashboard}
    )
    assert logged_in["Location"] == dashboard
    assert "admin/dashboard.html" in [t.name for t in client.get(dashboard).templates]
    assert client.get(reverse("dashboard:export_csv")).status_code == 403
    assert client.get(reverse("partners:viewers")).status_code == 403


def test_a_used_link_does_not_work_again(client, organiser):
    give(client)
    path = link_path(client)
    client.logout()
    set_password(client, path)

    second = set_password(client, path, password="someone-else-2010-long")

    assert second.status_code == 200
    assert "This link does not work" in text(second)
    assert User.objects.get(username="partner-berlin").check_password(PARTNER_PASSWORD)


def test_a_weak_password_is_refused_next_to_its_field(client, organiser):
    give(client)
    path = link_path(client)
    client.logout()

    response = set_password(client, path, password="12345678")

    assert response.status_code == 200
    assert "This password is entirely numeric." in error_next_to(response, "new_password2")
    assert not User.objects.get(username="partner-berlin").has_usable_password()


def test_viewers_and_desk_staff_cannot_use_the_page(client):
    viewer = in_group("viewer", roles.VIEWERS)
    desk = in_group("desk", roles.DESK_STAFF, is_staff=False)
    target = in_group("partner-old", roles.VIEWERS)

    client.force_login(viewer)
    assert client.get(reverse("partners:viewers")).status_code == 403
    assert give(client).status_code == 403
    assert client.post(reverse("partners:withdraw", args=[target.pk])).status_code == 403
    client.force_login(desk)
    refused = give(client)

    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("admin:login"))
    assert not User.objects.filter(username="partner-berlin").exists()
    assert User.objects.get(pk=target.pk).is_active


def test_only_viewer_accounts_are_listed_or_withdrawn(client, organiser):
    viewer = in_group("partner-seoul", roles.VIEWERS, first_name="Seoul partner")
    superuser = User.objects.create_superuser("root", password="irrelevant")
    superuser.groups.add(roles.ensure_groups()[roles.VIEWERS])
    two_groups = in_group("viewer-and-desk", roles.VIEWERS, roles.DESK_STAFF)
    with_own_permission = in_group("viewer-who-exports", roles.VIEWERS)
    with_own_permission.user_permissions.add(Permission.objects.get(codename="export_registrations"))
    others = [organiser, superuser, two_groups, with_own_permission, in_group("desk", roles.DESK_STAFF)]
    others.append(User.objects.create_user("no-group", is_staff=True))

    response = client.get(reverse("partners:viewers"))

    assert [account.username for account in response.context["accounts"]] == ["partner-seoul"]
    html = response.content.decode()
    listed = html[html.index('<table id="viewer-accounts">') : html.index("</table>")]
    for other in others:
        assert f">{other.username}<" not in listed
        assert client.get(reverse("partners:withdraw", args=[other.pk])).status_code == 404
        assert client.post(reverse("partners:withdraw", args=[other.pk])).status_code == 404
        assert User.objects.get(pk=other.pk).is_active
    assert client.post(reverse("partners:withdraw", args=[10**20])).status_code == 404  # no such id
    with pytest.raises(services.ViewerAccountError) as refused:
        services.withdraw_viewer(user_id=superuser.pk, by=organiser)
    assert refused.value.code == "not_a_viewer"
    assert f">{viewer.username}<" in listed


def test_an_organiser_withdraws_a_viewer_account_after_a_confirm(client, organiser):
    give(client)
    path = link_path(client)
    partner = User.objects.get(username="partner-berlin")
    url = reverse("partners:withdraw", args=[partner.pk])

    asked = client.get(url)
    assert "Withdraw the viewer account partner-berlin (Anna Schmidt (Berlin))?" in text(asked)
    assert User.objects.get(pk=partner.pk).is_active
    done = client.post(url)

    assert done["Location"] == reverse("partners:viewers")
    partner.refresh_from_db()
    assert not partner.is_active
    assert not partner.has_usable_password()
    listed = client.get(reverse("partners:viewers"))
    assert "The account partner-berlin is withdrawn." in text(listed)
    assert "withdrawn" in text(listed)
    assert client.post(url).status_code == 404  # once
    client.logout()
    assert "This link does not work" in text(set_password(client, path))  # the unused link is dead too


@pytest.mark.parametrize("n", [1, 6])
def test_the_list_runs_a_fixed_number_of_queries(client, organiser, n, django_assert_num_queries):
    for i in range(n):
        in_group(f"partner-{i}", roles.VIEWERS)
    in_group("desk", roles.DESK_STAFF)

    with django_assert_num_queries(QUERIES):
        response = client.get(reverse("partners:viewers"))

    assert len(response.context["accounts"]) == n


# session, user, its permissions (user, groups), the accounts.
QUERIES = 5


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"username": ""}, "username", "This field is required."),
        ({"username": "partner berlin!"}, "username", "Enter a valid username."),
        ({"username": "x" * 151}, "username", "Ensure this value has at most 150 characters"),
        ({"name": ""}, "name", "This field is required."),
        ({"email": "not an address"}, "email", "Enter a valid email address."),
    ],
)
def test_bad_input_is_shown_next_to_its_field(client, organiser, data, field, message):
    response = give(client, **data)

    assert response.status_code == 200
    assert message in error_next_to(response, field)
    field_tag = re.search(rf'<input[^>]*name="{field}"[^>]*>', response.content.decode()).group(0)
    assert 'aria-invalid="true"' in field_tag
    assert f"id_{field}_error" in field_tag  # aria-describedby: read out with the field
    assert not User.objects.filter(groups__name=roles.VIEWERS).exists()


def test_a_user_name_taken_in_any_case_is_refused_in_the_pages_language(client, organiser):
    in_group("Partner-Berlin", roles.ORGANISERS)

    with translation.override("ko"):
        response = client.post(reverse("partners:viewers"), {"username": "partner-berlin", "name": "안나", "email": ""})

    assert response.status_code == 200
    assert "이 사용자 이름의 계정이 이미 있습니다." in error_next_to(response, "username")
    assert not User.objects.filter(username="partner-berlin").exists()


def test_the_email_is_optional(client, organiser):
    give(client, email="")

    assert User.objects.get(username="partner-berlin").email == ""


def test_the_admin_index_links_the_page_for_organisers_only(client, organiser):
    assert reverse("partners:viewers") in client.get(reverse("admin:index")).content.decode()
    client.force_login(in_group("viewer", roles.VIEWERS))
    assert reverse("partners:viewers") not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_organisers_giving_one_name_in_any_case_at_once_make_one_account(requires_postgres):
    organisers = [organiser_user("organiser-1"), organiser_user("organiser-2")]
    names = ["partner-x", "Partner-X", "PARTNER-x", "partner-X"] * 2

    def giving(i):
        return lambda: services.create_viewer(username=names[i], name="X", email="", by=organisers[i % 2])

    results, errors = run_at_once([giving(i) for i in range(len(names))])

    assert len([r for r in results if r is not None]) == 1
    assert sorted(e.code for e in errors if e is not None) == ["username_taken"] * (len(names) - 1)
    assert User.objects.filter(username__iexact="partner-x").count() == 1
