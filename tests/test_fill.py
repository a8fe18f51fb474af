"""Gap filling (solver.fill): every worker ranked or ruled out with a reason, kept work respected, and
the chosen ones are exactly the cheapest that pass the validator."""

from __future__ import annotations

from models import problem as p
from models.enums import AssignmentStatus
from solver.fill import fill
from solver.validator import validate
from tests.factory import HOME, problem, shift, worker


def gap_problem() -> p.Problem:
    workers = [
        worker("near"),
        worker("far", home_lat=HOME[0] + 0.15),  # about 17 km
        worker("mid", home_lat=HOME[0] + 0.05),
        worker("unskilled", skills=("assistant_nurse",)),
        worker("busy"),
        worker("away", always_available=False, availability=[]),
        worker("outside", home_lat=HOME[0] + 1.0, max_travel_km=20),
        worker("tired"),
        worker("said_no"),
    ]
    shifts = [
        shift("gap", 1, 7, 8, headcount=3),
        shift("other", 1, 8, 8),
        shift("night", 0, 22, 8),
    ]
    prob = problem(workers, shifts)
    kept = [("busy", "other", AssignmentStatus.accepted), ("tired", "night", AssignmentStatus.accepted)]
    kept += [("mid", "gap", AssignmentStatus.accepted), ("said_no", "gap", AssignmentStatus.declined)]
    return prob.model_copy(update={"assignments": [p.Assignment(worker_id=w, item_id=i, status=s) for w, i, s in kept]})


def test_every_worker_is_ranked_or_ruled_out_with_a_reason() -> None:
    result = fill(gap_problem(), "gap")
    assert result.open_places == 2  # 3 needed, "mid" accepted already
    assert result.chosen == ["near", "far"]  # the two cheapest that fit; nearer first
    why = {c.worker_id: c for c in result.candidates}
    assert [c.worker_id for c in result.candidates][:2] == ["near", "far"]
    assert why["near"].rank == 1 and why["near"].chosen and why["near"].reason.startswith("chosen")
    assert why["far"].km > why["near"].km
    assert why["unskilled"].reason == "lacks an approved, valid skill 'nurse'"
    assert why["busy"].reason == "busy with overlapping work"
    assert why["away"].reason == "not available then"
    assert "beyond their 20 km radius" in why["outside"].reason
    assert why["tired"].reason.startswith("would get under 11 h rest")
    assert why["said_no"].reason.startswith("declined")
    assert why["mid"].reason == "already booked on this work"
    assert {c.worker_id for c in result.candidates} == {w.id for w in gap_problem().workers}


def test_chosen_workers_pass_the_validator_with_the_kept_work() -> None:
    prob = gap_problem()
    result = fill(prob, "gap")
    roster = [(a.worker_id, a.item_id) for a in prob.assignments if a.kept]
    roster += [(w, "gap") for w in result.chosen]
    assert [v for v in validate(prob, roster) if v.rule not in ("min_hours",)] == []


def test_every_fitting_worker_passes_alone_and_every_ruled_out_one_breaks_a_rule() -> None:
    prob = gap_problem()
    kept = [(a.worker_id, a.item_id) for a in prob.assignments if a.kept]
    for c in fill(prob, "gap").candidates:
        if c.reason.startswith(("already", "declined")):
            continue
        broken = validate(prob, [*kept, (c.worker_id, "gap")])
        assert (c.rank is None) == bool(broken), (c, broken)


def with_changes(prob: p.Problem, **lists: list) -> p.Problem:
    data = prob.model_dump(mode="json")
    for key, extra in lists.items():
        data[key] = [*data.get(key, []), *extra]
    return p.Problem.model_validate(data)


def test_reasons_are_in_words_a_manager_weighs_never_score_points() -> None:
    prob = gap_problem()
    data = prob.model_dump(mode="json")
    for w in data["workers"]:
        if w["id"] == "near":
            w["hourly_rate"] = 250.0
    prob = with_changes(
        p.Problem.model_validate(data), requests=[{"worker_id": "far", "item_id": "gap", "kind": "off"}]
    )
    result = fill(prob, "gap")
    why = {c.worker_id: c.reason for c in result.candidates}
    assert not any("score" in reason or "point" in reason for reason in why.values())
    assert why["near"].startswith("chosen: 0 km from home, 8 h in the 7 days to this work's end, of at most 48 h")
    assert "costs NOK 2\u202f000" in why["near"]  # 8 h at the worker's 250 an hour
    assert "asked not to get this work" in why["far"]
    assert "17 km from home" in why["far"]


def test_rest_and_the_weeks_hours_are_counted_from_kept_work() -> None:
    early = shift("early", 0, 6, 8)  # the day before, 06:00-14:00: 17 h before the gap at 07:00
    prob = with_changes(
        gap_problem(),
        shifts=[p.Shift.model_validate(early).model_dump(mode="json")],
        assignments=[{"worker_id": "near", "item_id": "early", "status": "accepted"}],
    )
    why = {c.worker_id: c.reason for c in fill(prob, "gap").candidates}
    assert "17 h rest after their last work" in why["near"]
    assert "16 h in the 7 days to this work's end" in why["near"]


def test_reasons_name_skills_by_the_names_the_pool_gave_them() -> None:
    """Issue 34 defect 8: the reasons said 'drivers_licence' where the pool calls it 'Driving licence'."""
    named = gap_problem().model_copy(
        update={"skills": [p.Skill(id="nurse", name="Registered nurse"), p.Skill(id="assistant_nurse")]}
    )
    why = {c.worker_id: c for c in fill(named, "gap").candidates}
    assert why["unskilled"].reason == "lacks an approved, valid skill 'Registered nurse'"
