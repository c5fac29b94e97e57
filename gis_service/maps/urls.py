"""URL routes of the maps app."""
urlpatterns: list = []
