"""Requester/reviewer filters match user names case-insensitively (as Secret Server does): expression indexes
on LOWER(name), then the keyset order (requested_at, id). The plain requester index stays for sorting by
requester; the plain reviewer index served only the old case-sensitive filter."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accessrequests', '0002_history_search'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='accessrequest',
            name='ar_reviewer_requested',
        ),
        migrations.AddIndex(
            model_name='accessrequest',
            index=models.Index(django.db.models.functions.text.Lower('requester_name'), models.F('requested_at'), models.F('id'), name='ar_requester_ci_requested'),
        ),
        migrations.AddIndex(
            model_name='accessrequest',
            index=models.Index(django.db.models.functions.text.Lower('reviewer_name'), models.F('requested_at'), models.F('id'), name='ar_reviewer_ci_requested'),
        ),
    ]
