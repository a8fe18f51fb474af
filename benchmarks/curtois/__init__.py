"""The Curtois & Qu shift scheduling benchmark, solved by Bemanna's own solver.

``instance`` reads the text format, ``mapping`` turns an instance into a Bemanna problem and a solution
back into a roster, ``evaluate`` scores and checks a roster from the instance alone, ``run`` drives
``bemanna bench curtois``.
"""
