from django.db import migrations


def create_default_platform(apps, schema_editor):
    Platform = apps.get_model("tenancy", "Platform")
    if not Platform.objects.filter(is_default=True).exists():
        Platform.objects.create(name="Crowdmoving", slug="hub", is_default=True, default_language="de")


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0001_initial")]
    operations = [migrations.RunPython(create_default_platform, migrations.RunPython.noop)]
