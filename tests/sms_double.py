"""An SMS provider as a deployment plugs one in (``BEMANNA_SMS_PROVIDER=tests.sms_double:provider``),
recording what it is given instead of sending it: no SMS provider is reachable from here."""

from __future__ import annotations

from api.notifications.channels import Recorded
from models.settings import Settings

SENT = Recorded()


def provider(settings: Settings) -> Recorded:
    return SENT
