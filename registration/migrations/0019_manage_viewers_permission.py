"""The permission to give partners viewer accounts and withdraw them
(registration/partners/), granted to the Organisers group (registration.roles)."""

from django.db import migrations


def grant_to_organisers(apps, schema_editor):
    from registration.roles import ensure_groups

    ensure_groups(using=schema_editor.connection.alias, apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "__latest__"),
        ("contenttypes", "__latest__"),
        ("registration", "0018_checkin_client_scan_id"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="registration",
            options={
                "ordering": ["-created_at"],
                "permissions": [
                    ("view_dashboard", "Can see the organisers' dashboard"),
                    ("export_registrations", "Can export attendee lists (personal data)"),
                    ("export_person", "Can export everything stored about one person"),
                    ("erase_person", "Can erase a person's data on their request"),
                    ("print_badges", "Can print the badges of selected registrations in the admin"),
                    ("manage_viewers", "Can give partners viewer accounts and withdraw them"),
                ],
                "verbose_name": "registration",
                "verbose_name_plural": "registrations",
            },
        ),
        migrations.RunPython(grant_to_organisers, migrations.RunPython.noop),
    ]
