"""Test tooling the tests and the benchmarks share: a fake Telegram Bot API server speaking real
HTTP (`fake_telegram`), simulated citizens answering the intake (`players`), scratch PostgreSQL
databases (`postgres`) and due reminders written straight into the tables (`seeding`).

Installed with the project (not shipped to users' machines' code paths: nothing outside tests
and benchmarks imports it)."""
