"""Make connector_auditevent append-only in the database itself (see _audit_triggers.py)."""
from django.db import migrations

from connector.migrations import _audit_triggers


def install(apps, schema_editor):
    _audit_triggers.install(schema_editor)


def uninstall(apps, schema_editor):
    _audit_triggers.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("connector", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
