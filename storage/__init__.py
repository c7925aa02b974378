"""Persistence in one place: SQLAlchemy 2 async models of every room and their Alembic migrations.

Why a package of its own: the bot (users, conversations, screenings) and booking (places, slots,
appointments, reminder outbox) share one database and one migration history; keeping models
together makes the schema readable at a glance and the migrations linear.
SQLite (aiosqlite) is the embedded default; PostgreSQL (asyncpg) the production engine. Capacity
and uniqueness are protected by constraints and transactions, never by Python-side checks.
"""
