import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("connector", "0004_settings_mirror"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SecretServerIdentity",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("ss_user_id", models.BigIntegerField(unique=True, verbose_name="Secret Server user id")),
                ("display_name", models.CharField(blank=True, max_length=255)),
                ("domain", models.CharField(blank=True, max_length=255)),
                ("synced_at", models.DateTimeField(auto_now=True)),
                ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="secretserver", to=settings.AUTH_USER_MODEL)),
            ],
            options={"verbose_name": "Secret Server identity", "default_permissions": ("view",)},
        ),
    ]
