"""The CORS header for the configured frontend origins (django-cors-headers does this in the
real CRM; the lab keeps to Debian's python3-django)."""
from django.conf import settings


def cors_headers(get_response):
    def middleware(request):
        response = get_response(request)
        origin = request.headers.get("Origin")
        if origin and (settings.CORS_ALLOW_ALL_ORIGINS or origin in settings.CORS_ALLOWED_ORIGINS):
            response["Access-Control-Allow-Origin"] = origin
            response["Vary"] = "Origin"
        return response

    return middleware
