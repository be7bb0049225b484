# The release that goes wrong: a clean-up that deletes clients without an e-mail, then a unique
# constraint the remaining data breaks (two clients share a name). Not atomic, as big data
# migrations often are, so the deletion is committed before the constraint fails: only the
# backup brings those clients back.
from django.db import migrations, models


def delete_clients_without_email(apps, schema_editor):
    apps.get_model("clients", "Client").objects.filter(email__isnull=True).delete()


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("clients", "0001_initial")]

    operations = [
        migrations.RunPython(delete_clients_without_email, migrations.RunPython.noop),
        migrations.AlterField(model_name="client", name="name", field=models.CharField(max_length=200, unique=True)),
    ]
