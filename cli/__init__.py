"""The ``bemanna`` command line: a thin shell over models, solver and reports."""
