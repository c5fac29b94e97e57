"""OGC API – Features (Parts 1 to 4) over the layer registry."""
