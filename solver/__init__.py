"""Pure scheduling: a validated ``models.problem.Problem`` in, a ``models.solution.Solution`` out.

No database and no HTTP in here. ``solver.solve.solve`` builds and runs the CP-SAT model;
``solver.validator.validate`` re-checks every hard rule without it.
"""
