"""Database: declarative base, models, engine with its pragmas, Alembic migrations."""
