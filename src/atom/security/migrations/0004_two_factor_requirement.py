from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("security", "0003_session_limits")]

    operations = [
        migrations.AddField(
            model_name="securitypolicy",
            name="require_two_factor",
            field=models.BooleanField(default=False, verbose_name="Require two-step verification"),
        ),
        migrations.AddField(
            model_name="securitypolicy",
            name="two_factor_deadline",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
