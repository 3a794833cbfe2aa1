"""The read path touches no staff model: every public module imports only the published store
(and the project's shared pieces), and the store has no staff-only column.

The projector and the staff preview are the write side of the layer: they read the staff
tables to write or preview the store, and are the only modules allowed to.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps

import public_data

LAYER = Path(public_data.__file__).parent
WRITE_SIDE = {"projector.py", "preview.py", "apps.py"}
STAFF_PACKAGES = {"recommendations", "reviews", "rounds", "extraction"}
TEMPLATES = LAYER / "templates"


def read_path_modules():
    return sorted(
        path
        for path in LAYER.rglob("*.py")
        if path.name not in WRITE_SIDE
        and "migrations" not in path.parts
        and "management" not in path.parts
    )


def imported_packages(path):
    """The top-level packages a module imports, at any depth of its code."""
    packages = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            packages |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            packages.add(node.module.split(".")[0])
    return packages


def test_the_read_path_is_found():
    names = {path.relative_to(LAYER).as_posix() for path in read_path_modules()}
    assert {"views.py", "selectors.py", "serializers.py", "feeds.py", "exports.py"} <= names
    assert {"api/views.py", "filters.py", "templatetags/tracker.py"} <= names


@pytest.mark.parametrize(
    "path", read_path_modules(), ids=lambda path: path.relative_to(LAYER).as_posix()
)
def test_no_public_module_imports_a_staff_app(path):
    assert not imported_packages(path) & STAFF_PACKAGES


def test_the_check_sees_an_import_of_a_staff_model(tmp_path):
    """Guards the check itself: a module importing a staff model is caught, however written."""
    module = tmp_path / "leaky.py"
    module.write_text(
        "def view(request):\n    from recommendations.models import Recommendation\n"
        "    import reviews.models\n"
    )
    assert imported_packages(module) == {"recommendations", "reviews"}


def test_public_templates_use_no_staff_template_tag_library():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert "{% load staff_admin" not in text, template


STAFF_ONLY_COLUMNS = {
    # Every staff column that is not public: none may exist in the store.
    field.name
    for model in apps.get_app_config("recommendations").get_models()
    if hasattr(model, "PUBLIC_FIELDS")
    for field in model._meta.concrete_fields
    if field.name not in model.PUBLIC_FIELDS and not field.primary_key and not field.is_relation
}


def test_the_staff_only_columns_are_the_ones_we_know():
    assert {"internal_notes", "is_restricted", "staff_detail", "recorded_at"} <= (
        STAFF_ONLY_COLUMNS
    )


@pytest.mark.parametrize(
    "model",
    [
        model
        for model in apps.get_app_config("public_data").get_models()
        if model._meta.model_name.startswith("published")
    ],
    ids=lambda model: model.__name__,
)
def test_no_store_table_has_a_staff_only_column(model):
    columns = {field.name for field in model._meta.concrete_fields}
    staff_relations = {"recorded_by", "changed_by", "reported_on_behalf_of", "corrects"}
    assert not columns & (STAFF_ONLY_COLUMNS | staff_relations)


@pytest.mark.django_db
def test_no_public_url_queries_a_staff_table(client):
    """Every public URL, in every format, reads only the store (and the version, sessions and
    cache tables a request may touch): not one query names a staff table."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import plant_markers
    from tests.public_data.test_public_leaks import public_urls

    staff_tables = {
        model._meta.db_table
        for label in STAFF_PACKAGES
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }
    planted = plant_markers()
    with CaptureQueriesContext(connection) as queries:
        for urls in public_urls(planted).values():
            for url in urls:
                client.get(url)
    assert len(queries.captured_queries) > 100
    # The check matches table names as the queries quote them: the store's are found.
    assert any(
        '"public_data_publishedrecommendation"' in q["sql"] for q in queries.captured_queries
    )
    read = {
        table
        for query in queries.captured_queries
        for table in staff_tables
        if f'"{table}"' in query["sql"] or f"`{table}`" in query["sql"]
    }
    assert not read
