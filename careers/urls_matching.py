from django.urls import path

from careers.matching import views

urlpatterns = [
    path("matches/", views.matches, name="matches"),
    path("matches/preferences/", views.match_preferences, name="match_preferences"),
    path("matches/unsubscribe/<str:token>/", views.match_unsubscribe, name="match_unsubscribe"),
]
