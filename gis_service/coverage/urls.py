"""URL routes of the coverage app."""
urlpatterns: list = []
