"""The business flows, called by both the JSON API (``api.routers``) and the web pages (``api.web``).

A service takes a session and the signed-in user and does one thing a person asks for; it refuses with
an ``HTTPException`` whose detail is a sentence for that person, which the API answers as JSON and a
page shows beside the form. Neither a router nor a page re-implements a rule held here.
"""
