"""Bemanna's domain: SQLModel tables, the JSON problem snapshot and plain value types.

Nothing here knows about CP-SAT or HTTP; the solver and the API both depend on this package.
"""
