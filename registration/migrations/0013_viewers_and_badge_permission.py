"""The permission to print badges from the admin (organisers only), and the three
staff groups (Organisers, Desk staff, Viewers) with their permissions. The groups
are made again after every `migrate` (RegistrationConfig); both are idempotent."""

from django.db import migrations


def create_groups(apps, schema_editor):
    from registration.roles import ensure_groups

    ensure_groups(using=schema_editor.connection.alias, apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "__latest__"),
        ("contenttypes", "__latest__"),
        ("registration", "0012_delegation_and_checkout"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="registration",
            options={
                "ordering": ["-created_at"],
                "permissions": [
                    ("view_dashboard", "Can see the organisers' dashboard"),
                    ("export_registrations", "Can export attendee lists (personal data)"),
                    ("print_badges", "Can print the badges of selected registrations in the admin"),
                ],
                "verbose_name": "registration",
                "verbose_name_plural": "registrations",
            },
        ),
        migrations.RunPython(create_groups, migrations.RunPython.noop),
    ]
