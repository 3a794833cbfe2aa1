"""The status tallies behind the dashboard's "as at" charts, counted from the existing store."""

import django.db.models.deletion
from django.db import migrations, models


def count_tallies(apps, schema_editor):
    from public_data.tallies import recount

    recount(
        recommendations=apps.get_model("public_data", "PublishedRecommendation"),
        entries=apps.get_model("public_data", "PublishedTimelineEntry"),
        tallies=apps.get_model("public_data", "PublishedStatusTally"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('public_data', '0005_search_number_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='PublishedStatusTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('resolved', 'Resolved'), ('resolved_other_means', 'Resolved by other means'), ('in_progress', 'In progress'), ('not_taken_forward', 'Not taken forward'), ('awaiting_response', 'Awaiting response'), ('not_assessed', 'Not yet assessed')], max_length=32)),
                ('since', models.DateField()),
                ('count', models.PositiveIntegerField()),
                ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tallies', to='public_data.publishedreview')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('review', 'status', 'since'), name='published_tally_once')],
            },
        ),
        migrations.RunPython(count_tallies, migrations.RunPython.noop),
    ]
