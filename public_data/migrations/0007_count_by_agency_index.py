"""An index on the counts for a fixed agency."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('public_data', '0006_status_tallies'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='publishedcount',
            index=models.Index(fields=['agency', 'status', 'review'], name='published_count_by_agency'),
        ),
    ]
