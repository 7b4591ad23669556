#!/usr/bin/env python3
"""Django management entry point for the test OAuth 2.0 server (django-oauth-toolkit)."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idp_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
