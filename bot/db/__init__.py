"""The database layer: models, engine and sessions, migrations and repositories."""
