"""A neighbourhood of the roster as a CP-SAT model of its own, holding only what the freed choices touch.

The neighbourhood search (``solver.lns``) used to solve the whole model with every other choice fixed.
CP-SAT then copies, loads and presolves all of it for every neighbourhood: at 2,000 workers that is
most of a second per round, however few people the round frees. Here a round's model holds the freed
choices, the auxiliaries they reach (days worked, weekends, open places, fairness steps, runs of days)
and every constraint that mentions one of those; the variables those constraints share with the rest of
the roster come in at their current values (as constants in linear constraints). Every constraint on a
free variable is kept, so a
solution of the small model, written back into the roster, is a solution of the whole model.

Auxiliaries are freed one step from a freed choice (the days worked, load and open places it is summed
into) and one step further through short constraints over auxiliaries only (a weekend from its days,
fairness steps from a load, neighbouring days in a run rule). Beyond that an auxiliary keeps its value:
its own choices are fixed, so it is determined already, and following it on would pull a worker's whole
horizon, or through the coverage cap every item, into every round. A variable of one constraint only (a
job's count of extra people) is freed wherever it is met: nothing else pins it. Unfollowed variables stay fixed: a
smaller neighbourhood, still sound. The objective keeps the free variables' terms; the fixed ones' go
into the offset, so the small model's objective value is the whole roster's.
"""

from __future__ import annotations

from array import array
from typing import Any

from ortools.sat.python import cp_model

FOLLOW_LIMIT = 64  # a constraint over auxiliaries only, with more variables than this, is not followed
MAX_DEPTH = 2  # steps from a freed choice to the auxiliaries freed with it

_OPEN = (cp_model.INT_MIN, cp_model.INT_MAX)  # a side of a domain that is unbounded
_KINDS = ("linear", "bool_or", "bool_and", "at_most_one", "exactly_one")
LINEAR = 0


class UnsupportedConstraint(ValueError):
    """The model holds a constraint kind this extraction does not rewrite."""


def _refs(ct: Any, kind: str) -> Any:
    part = getattr(ct, kind)
    return part.vars if kind == "linear" else part.literals


def _var(ref: int) -> int:
    return ref if ref >= 0 else -ref - 1


class Extractor:
    """An index of ``model`` (read once), from which each round's small model is cut.

    Kept in flat arrays (constraint -> variables and variable -> constraints, as offsets into one array
    each): lists of lists cost 220 MB at 2,000 workers, these about 20 MB."""

    def __init__(self, model: cp_model.CpModel, x_index: list[int]) -> None:
        proto = model.proto
        self.proto = proto
        n = len(proto.variables)
        self.lo, self.hi = array("q", bytes(8 * n)), array("q", bytes(8 * n))
        for k, var in enumerate(proto.variables):
            domain = var.domain
            if len(domain) != 2:
                raise UnsupportedConstraint(f"variable {k} has a domain with holes")
            self.lo[k], self.hi[k] = domain[0], domain[1]
        self.is_x = bytearray(n)
        for i in x_index:
            self.is_x[i] = 1
        self.kinds = bytearray()
        self.short = bytearray()  # over auxiliaries only, and short: followed beyond the first step
        self.cons_ptr, self.cons_idx = array("l", [0]), array("l")
        counts = array("l", bytes(8 * (n + 1)))
        for c, ct in enumerate(proto.constraints):
            kind = next((k for k, name in enumerate(_KINDS) if getattr(ct, f"has_{name}")()), None)
            if kind is None:
                raise UnsupportedConstraint(f"constraint {c} is of a kind the neighbourhood model cannot copy")
            variables = sorted({_var(r) for r in (*ct.enforcement_literal, *_refs(ct, _KINDS[kind]))})
            self.kinds.append(kind)
            self.cons_idx.extend(variables)
            self.cons_ptr.append(len(self.cons_idx))
            self.short.append(len(variables) <= FOLLOW_LIMIT and not any(self.is_x[u] for u in variables))
            for u in variables:
                counts[u + 1] += 1
        for k in range(n):  # variable -> constraints, by counting
            counts[k + 1] += counts[k]
        self.var_ptr = array("l", counts)
        self.var_idx = array("l", bytes(8 * counts[n]))
        fill = array("l", counts[:n])
        for c in range(len(self.kinds)):
            for u in self.cons_idx[self.cons_ptr[c] : self.cons_ptr[c + 1]]:
                self.var_idx[fill[u]] = c
                fill[u] += 1
        objective = proto.objective
        if any(ref < 0 for ref in objective.vars):
            raise UnsupportedConstraint("the objective holds a negated literal")
        self.coeff = array("q", bytes(8 * n))
        for ref, coeff in zip(objective.vars, objective.coeffs, strict=True):
            self.coeff[ref] += coeff

    def cut(self, free_x: set[int], values: list[int], objective: int) -> tuple[cp_model.CpModel, list[int]]:
        """The small model for freeing ``free_x`` around the roster ``values`` (every variable, by index)
        whose objective is ``objective``; and the whole model's index of each of its variables."""
        free = dict.fromkeys(free_x, 0)  # every free variable, with its steps from a freed choice
        stack = list(free_x)
        cons: set[int] = set()
        while stack:
            var = stack.pop()
            d = free[var]
            for c in self.var_idx[self.var_ptr[var] : self.var_ptr[var + 1]]:
                if c in cons:
                    continue
                cons.add(c)
                broad = d == 0 or (d < MAX_DEPTH and bool(self.short[c]))
                for u in self.cons_idx[self.cons_ptr[c] : self.cons_ptr[c + 1]]:
                    # beyond the broad steps only leaves: variables of this one constraint (a job's count
                    # of extra people, a fairness step), which nothing else pins
                    leaf = self.var_ptr[u + 1] - self.var_ptr[u] == 1
                    if u not in free and not self.is_x[u] and (broad or leaf):
                        free[u] = d + 1
                        stack.append(u)
        needed = set(free)
        for c in cons:
            if self.kinds[c] != LINEAR:  # literals of clauses and enforcements stay variables (few)
                needed.update(self.cons_idx[self.cons_ptr[c] : self.cons_ptr[c + 1]])
        order = sorted(needed)
        pos = {v: k for k, v in enumerate(order)}

        def ref(r: int) -> int:
            return pos[r] if r >= 0 else -pos[-r - 1] - 1

        sub = cp_model.CpModel()
        proto = sub.proto
        for v in order:
            domain = proto.variables.add().domain
            domain.extend((self.lo[v], self.hi[v]) if v in free else (values[v], values[v]))
        for c in sorted(cons):
            orig, kind = self.proto.constraints[c], _KINDS[self.kinds[c]]
            enforcement = [ref(r) for r in orig.enforcement_literal]
            if kind != "linear":
                ct = proto.constraints.add()
                ct.enforcement_literal.extend(enforcement)
                getattr(ct, kind).literals.extend([ref(r) for r in getattr(orig, kind).literals])
                continue
            # A fixed variable of a linear constraint is a constant: it moves into the bounds.
            terms, constant = [], 0
            for var, coeff in zip(orig.linear.vars, orig.linear.coeffs, strict=True):
                if var in free:
                    terms.append((pos[var], coeff))
                else:
                    constant += coeff * values[var]
            if not terms:
                continue  # every variable fixed: it holds, as it does in the current roster
            ct = proto.constraints.add()
            ct.enforcement_literal.extend(enforcement)
            ct.linear.vars.extend([k for k, _ in terms])
            ct.linear.coeffs.extend([coeff for _, coeff in terms])
            ct.linear.domain.extend([b if b in _OPEN else b - constant for b in orig.linear.domain])
        inside = 0
        obj = proto.objective
        for v in order:
            coeff = self.coeff[v]
            if coeff:
                obj.vars.append(pos[v])
                obj.coeffs.append(coeff)
                inside += coeff * values[v]
        obj.offset = objective - inside
        proto.solution_hint.vars.extend(range(len(order)))
        proto.solution_hint.values.extend(values[v] for v in order)
        return sub, order
