"""The API's errors: always JSON with a ``detail`` message; a 400 also has ``errors``, the
message and code of each invalid query parameter, in the shape the site's JSON download uses.
``documented`` puts them in the OpenAPI schema."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


class ErrorSerializer(serializers.Serializer):
    """An error: what went wrong, in words."""

    detail = serializers.CharField()


class ParameterErrorSerializer(serializers.Serializer):
    """One problem with one parameter."""

    message = serializers.CharField()
    code = serializers.CharField()


class InvalidParametersSerializer(ErrorSerializer):
    """Invalid query parameters, each named with its problems."""

    errors = serializers.DictField(
        child=ParameterErrorSerializer(many=True),
        help_text="For each invalid parameter, its problems.",
    )


ERRORS = {
    400: OpenApiResponse(
        InvalidParametersSerializer,
        description="Invalid query parameters: unknown review or agency, malformed date, "
        "page out of range, unknown ordering or status.",
    ),
    404: OpenApiResponse(ErrorSerializer, description="No public object has this identifier."),
    429: OpenApiResponse(
        ErrorSerializer,
        description="Too many requests from this address; the Retry-After header says how many "
        "seconds to wait.",
    ),
}


def documented(serializer, *errors, **kwargs):
    """``extend_schema`` for a read: the serializer on 200 and the listed error responses, with
    429 on every operation since every request is throttled."""
    responses = {200: serializer, **{code: ERRORS[code] for code in (*errors, 429)}}
    return extend_schema(responses=responses, **kwargs)


def exception_handler(exc, context):
    """DRF's handler, with invalid parameters as ``{"detail", "errors": {name: [...]}}``."""
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        # The API raises ValidationError only for query parameters, always as {name: [...]}.
        response.data = {"detail": "Invalid query parameters.", "errors": exc.get_full_details()}
    return response
