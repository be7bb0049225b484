#!/usr/bin/env python3
"""The lab CRM's manage.py: what runbooks/django-crm-deploy.yaml runs as `python manage.py`."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
