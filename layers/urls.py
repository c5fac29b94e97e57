"""URL routes of the layers app: the OGC API – Features under /ogc/ (tile routes are added by the tiles module)."""
from django.urls import path

from layers.ogc import views

urlpatterns = [
    path("ogc", views.LandingView.as_view()),
    path("ogc/", views.LandingView.as_view(), name="ogc-landing"),
    path("ogc/conformance", views.ConformanceView.as_view(), name="ogc-conformance"),
    path("ogc/api", views.ApiView.as_view(), name="ogc-api"),
    path("ogc/collections", views.CollectionsView.as_view(), name="ogc-collections"),
    path("ogc/collections/<str:collection_id>", views.CollectionView.as_view(), name="ogc-collection"),
    path("ogc/collections/<str:collection_id>/queryables", views.QueryablesView.as_view(), name="ogc-queryables"),
    path("ogc/collections/<str:collection_id>/schema", views.QueryablesView.as_view(all_properties=True),
         name="ogc-schema"),
    path("ogc/collections/<str:collection_id>/items", views.ItemsView.as_view(), name="ogc-items"),
    path("ogc/collections/<str:collection_id>/items/<str:feature_id>", views.ItemView.as_view(), name="ogc-item"),
]

# Vector tiles, TileJSON, style and OGC API – Tiles (layers/tiles/urls.py, kept by the tiles engineer).
from layers.tiles.urls import tile_urlpatterns  # noqa: E402

urlpatterns += tile_urlpatterns
