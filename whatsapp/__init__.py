"""The WhatsApp front end: the same conversations as the Telegram bot, on WhatsApp's Cloud API.

`python -m whatsapp` serves the webhook (`/whatsapp`, `/healthz`) on WHATSAPP_HOST:WHATSAPP_PORT
(127.0.0.1:8081), delivers replies from its outbox and sends WhatsApp users' reminders. See
whatsapp/README.md: the design (one users table with a channel, ids of our own), WhatsApp's
limits, the reminder template to submit for approval.

Modules: `app` (webhook, turns, background tasks), `turns` (what a message means, the
conversations), `render` (replies → WhatsApp messages within the limits), `ids` (what a button
carries), `inbound` (a delivery, read), `signature`, `client` (Graph API), `delivery` (the
outbox, per chat in order), `reminders` (the reminder transport), `store` (queries),
`settings`, `texts`.
"""
