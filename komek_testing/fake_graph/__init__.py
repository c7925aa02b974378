"""A fake WhatsApp Cloud API for tests: limits enforced, messages recorded, signed webhooks."""

from komek_testing.fake_graph.limits import Refusal, check_message
from komek_testing.fake_graph.server import Delivery, FakeGraph, SentMessage, Upload
from komek_testing.fake_graph.user import FakeWhatsAppUser

__all__ = [
    "Delivery",
    "FakeGraph",
    "FakeWhatsAppUser",
    "Refusal",
    "SentMessage",
    "Upload",
    "check_message",
]
