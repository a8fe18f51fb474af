"""The demo generator: the demo stays as it is, and a larger pool covers more ground (issue 21)."""

from __future__ import annotations

from models.generator import GeneratorConfig, generate
from solver.instance import build_instance


def test_the_demo_keeps_its_size() -> None:
    p = generate(GeneratorConfig(seed=1))
    assert (len(p.regions), len(p.sites), len(p.farms), len(p.workers)) == (4, 10, 15, 300)
    assert {s.id for s in p.sites} >= {"central-nh", "north-hc", "central-er"}
    assert (len(p.shifts), len(p.jobs)) == (328, 22)


def test_demand_grows_with_the_pool_while_each_worker_reaches_about_as_much() -> None:
    """1,000 workers get 3 areas (12 regions, 30 sites, 45 farms) about 50 km apart: places grow with
    the pool, and the candidate pairs per worker and day stay near the demo's instead of every place
    becoming reachable to everyone."""
    small = generate(GeneratorConfig(seed=7, workers=300, days=7))
    large = generate(GeneratorConfig(seed=7, workers=1000, days=7))
    assert (len(large.regions), len(large.sites), len(large.farms)) == (12, 30, 45)
    regions = {r.id for r in large.regions}
    assert {s.region_id for s in large.sites} == regions  # every region of every area has a site
    assert {w.region_id for w in large.workers} <= regions
    assert {w.region_id.partition("-")[2] or "1" for w in large.workers} == {"1", "2", "3"}  # and people

    def per_worker(p) -> float:  # type: ignore[no-untyped-def]
        return len(build_instance(p).pairs) / len(p.workers)

    def places(p) -> int:  # type: ignore[no-untyped-def]
        return sum(s.headcount for s in p.shifts)

    assert places(large) > 2.5 * places(small)
    assert per_worker(large) < 1.5 * per_worker(small)


def test_sites_farms_and_areas_can_be_set() -> None:
    p = generate(GeneratorConfig(seed=2, workers=50, days=3, sites=3, farms=2, areas=2))
    assert (len(p.sites), len(p.farms), len(p.regions)) == (3, 2, 8)
