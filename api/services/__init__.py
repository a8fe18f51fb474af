"""The business flows, called by both the JSON API (``api.routers``) and the web pages (``api.web``).

A service takes a session and the signed-in user and does one thing a person asks for; it refuses with
a ``Refused`` (``api.core.refusals``) whose detail is a sentence for that person, which the door
answers as JSON and a page shows beside the form. Neither a router nor a page re-implements a rule held here.
"""
