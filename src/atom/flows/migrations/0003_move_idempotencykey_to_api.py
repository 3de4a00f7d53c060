# IdempotencyKey now belongs to the api app (api 0001), which took over its
# table as it is: remove the model from this app's state only, so the table
# and its rows stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0001_initial'),
        ('flows', '0002_idempotencykey_flows_idempotency_created'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='IdempotencyKey')],
            database_operations=[],
        ),
    ]
