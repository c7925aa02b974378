"""The staff web's Prometheus metrics (served on /metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "komek_staff_requests_total", "Staff web requests by route and status", ["route", "status"]
)
LATENCY = Histogram(
    "komek_staff_request_seconds",
    "Staff web time per request (server side)",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5),
)
LOGINS = Counter("komek_staff_logins_total", "Login attempts by outcome", ["outcome"])
NOTICES = Counter("komek_staff_notices_total", "Citizen notices queued by kind", ["kind"])
