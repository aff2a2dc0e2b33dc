from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_notification"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="attachments",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Files sent along: [{filename, mimetype, content}].",
            ),
        ),
    ]
