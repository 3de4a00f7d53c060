from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("security", "0002_generation_row")]

    operations = [
        migrations.AddField(
            model_name="securitypolicy",
            name="idle_timeout_minutes",
            field=models.PositiveIntegerField(default=0, verbose_name="Idle timeout"),
        ),
        migrations.AddField(
            model_name="securitypolicy",
            name="session_length_minutes",
            field=models.PositiveIntegerField(default=720, verbose_name="Maximum session length"),
        ),
    ]
