"""URL routes of the fieldwork app."""
urlpatterns: list = []
