"""An e-mail address whose part before the @ is not ASCII can never receive our
mail (registration.forms.EmailAddressField): every form that takes an address
refuses it with the same clear message next to the field, keeps what was typed,
and writes nothing. The part after the @ may be in any script."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import translation

from registration import roles
from registration.models import OutgoingMail, Registration
from tests.registration.desk_world import staff_user
from tests.registration.pages import error_text, in_language, submit, url, valid_data

pytestmark = pytest.mark.usefixtures("no_mail_after_commit")

MESSAGE = (
    "Use only Latin letters (a–z), digits and signs such as . _ - + before the @: "
    "mail cannot be delivered to an address with other characters there."
)
# Hangul; an accented letter; the Kelvin sign and a long s, which Django's own check lets through.
NOT_DELIVERABLE = ["김민준@example.org", "josé@example.org", "\u212aim@example.org", "ſeo@example.org"]


@pytest.mark.parametrize("email", NOT_DELIVERABLE)
def test_the_registration_form_refuses_an_address_mail_cannot_reach(client, clock, open_event, email):
    response = submit(client, clock, valid_data(email=email))

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [MESSAGE]
    assert error_text(response, "email") == MESSAGE
    assert f'value="{email}"' in response.content.decode()  # kept as typed, to correct
    assert not Registration.objects.exists()


def test_the_message_is_korean_on_the_korean_form(client, clock, open_event):
    response = submit(client, clock, valid_data(email="김민준@example.org"), lang="ko")

    korean = in_language("ko", MESSAGE)
    assert korean != MESSAGE
    assert error_text(response, "email") == korean


def test_an_address_with_a_domain_in_another_script_is_accepted(client, clock, open_event):
    submit(client, clock, valid_data(email="minjun@서울.kr"))

    assert Registration.objects.get().email == "minjun@서울.kr"


def test_the_lost_link_form_refuses_it_and_sends_nothing(client, clock, open_event):
    response = client.post(url("lost"), {"email": "김민준@example.org"})

    assert response.status_code == 200
    assert error_text(response, "email") == MESSAGE
    assert 'value="김민준@example.org"' in response.content.decode()
    assert not OutgoingMail.objects.exists()


def test_the_walk_in_form_refuses_it(client, open_event):
    client.force_login(staff_user("desk-staff", roles.DESK_STAFF))

    response = client.post("/en/desk/walk-in/", {"name": "Kim Minjun", "email": "김민준@example.org"})

    assert response.context["form"].errors["email"] == [MESSAGE]
    assert 'value="김민준@example.org"' in response.content.decode()
    assert not Registration.objects.exists()


def test_the_admin_registration_form_refuses_it(rf, admin_user, open_event):
    request = rf.get("/en/admin/")
    request.user = admin_user
    form_class = admin.site._registry[Registration].get_form(request, obj=None, change=True)
    field = form_class.base_fields["email"]

    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            field.clean("김민준@example.org")
        messages = refused.value.messages

    assert messages == [MESSAGE]
    assert field.clean("minjun@example.org") == "minjun@example.org"
