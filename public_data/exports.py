"""CSV and JSON downloads of any filtered list, built from the public serializer only."""

import csv
import json

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from harris.spreadsheets import spreadsheet_safe

from . import selectors
from .filters import RecommendationFilter
from .serializers import RecommendationSerializer


def flatten(value):
    """A serialized value as one CSV cell: lists joined with "; ", nested objects by name."""
    if isinstance(value, list):
        return "; ".join(flatten(item) for item in value)
    if isinstance(value, dict):
        return str(value.get("name") or value.get("slug") or value.get("label") or "")
    return value


def filtered_rows(request):
    """The serialized public rows for the request's filters, or the filter errors."""
    filterset = RecommendationFilter(request.GET, queryset=selectors.recommendations())
    if not filterset.is_valid():
        return None, filterset.errors.get_json_data()
    recommendations = selectors.with_owners(filterset.qs)
    serializer = RecommendationSerializer(recommendations, many=True, context={"request": request})
    return serializer.data, None


def invalid_filters(errors):
    return JsonResponse(
        {"detail": "Invalid filter values.", "errors": errors},
        status=400,
        json_dumps_params={"indent": 2},
    )


@require_safe
def export_json(request):
    """The filtered list as JSON."""
    rows, errors = filtered_rows(request)
    if errors:
        return invalid_filters(errors)
    response = HttpResponse(
        json.dumps({"count": len(rows), "results": rows}, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="recommendations.json"'
    return response


@require_safe
def export_csv(request):
    """The filtered list as CSV, one row a recommendation, formula-safe for spreadsheets."""
    rows, errors = filtered_rows(request)
    if errors:
        return invalid_filters(errors)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="recommendations.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    columns = list(RecommendationSerializer().fields)
    writer = csv.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([spreadsheet_safe(flatten(row[column])) for column in columns])
    return response
