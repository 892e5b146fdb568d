from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def index(request):
    """Careers in the civil service: the explorer, job families, internships, practice."""
    return render(request, "careers/index.html")
