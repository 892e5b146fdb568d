"""The careers app in the admin: only internships (HR officers' workbench). Explorer
results, class codes and match scores are never registered here."""

from careers.internships import admin as internships_admin  # noqa: F401
