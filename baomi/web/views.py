from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The entry page; the people module replaces it with the login and the dashboard."""
    return render(request, "web/home.html")
