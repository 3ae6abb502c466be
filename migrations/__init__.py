"""Alembic migrations of the helpline database; a package so that they install with it."""
