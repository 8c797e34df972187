"""Audit hash version 2: ``row_hash`` covers ``actor_id`` too; ``actor`` becomes PROTECT.

Existing rows get ``hash_version = 1`` and keep verifying with the content they were hashed with; rows written
from now on are version 2. The UPDATE exemption for ``on_delete=SET_NULL`` is gone from the triggers (a
hashed ``actor_id`` must never change), and the triggers are re-installed because SQLite rebuilds the table.
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from connector.migrations import _audit_triggers


def install(apps, schema_editor):
    _audit_triggers.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("connector", "0007_endpoint_allow_sensitive_reads"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(
                default=1, editable=False,
                help_text="Which columns row_hash covers: 1 = all but actor_id (old rows), 2 = all."),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(
                default=2, editable=False,
                help_text="Which columns row_hash covers: 1 = all but actor_id (old rows), 2 = all."),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(blank=True, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(install, migrations.RunPython.noop, elidable=False),
    ]
