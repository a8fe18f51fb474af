"""Reporting with pandas: coverage, unfilled demand, supply against demand, hours per worker."""
