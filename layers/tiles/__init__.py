"""Vector tiles of the registry's layers: MVT SQL, views, the WSGI fast path, TileJSON, style, cache, OGC Tiles."""
