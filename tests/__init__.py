"""Bemanna test suite."""
