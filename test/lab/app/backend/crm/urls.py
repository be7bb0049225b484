import re

from django.conf import settings
from django.contrib import admin
from django.urls import path, re_path
from django.views.static import serve

from clients import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/health/", views.health),
    # In production WhiteNoise serves STATIC_ROOT; the lab serves the same folder with Django,
    # so "static files serve correctly" is true only after collectstatic has run.
    re_path(r"^%s(?P<path>.*)$" % re.escape(settings.STATIC_URL.lstrip("/")), serve, {"document_root": settings.STATIC_ROOT}),
]
