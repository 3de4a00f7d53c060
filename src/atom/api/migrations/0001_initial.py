# IdempotencyKey moved here from the flows app. Its table was created by
# flows 0001/0002 and keeps its name, constraint and index: this migration
# only tells Django's model state that the api app now owns it, and touches
# no table (flows 0003 removes it from the flows app's state).

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('companies', '0001_initial'),
        ('flows', '0002_idempotencykey_flows_idempotency_created'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='IdempotencyKey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=255)),
                        ('fingerprint', models.CharField(max_length=64)),
                        ('resource_id', models.BigIntegerField()),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='companies.company')),
                    ],
                    options={
                        'db_table': 'flows_idempotencykey',
                        'indexes': [models.Index(fields=['created_at'], name='flows_idempotency_created')],
                        'constraints': [models.UniqueConstraint(fields=('company', 'key'), name='flows_idempotency_key_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
