"""HTTP API (FastAPI). Not built yet: see issue 4. Nothing here pretends to work."""
