"""Notifications: messages that reach people when their work changes.

A change writes its messages into the outbox (``outbox.enqueue``) in its own transaction, so a change
that is rolled back sends nothing and one that commits is never lost; the sender (``sender.Sender``)
delivers them in the background through a channel (``channels``: e-mail over SMTP here; SMS and web
push are interfaces a deployment plugs a provider into). What each event says lives in ``events``.
"""
