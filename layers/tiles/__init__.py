"""Vector tiles of the registry's layers: MVT SQL, the views, the WSGI fast path, TileJSON, style, cache, OGC API – Tiles."""
