"""URL routes of the layers app (OGC API, tiles)."""
urlpatterns: list = []
