from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # The shared cache that PyLTI1p3 keeps the OIDC state and nonces in (settings.CACHES["lti"]).
    call_command("createcachetable", "lti_cache", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("lti", "0001_lti_integration")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
