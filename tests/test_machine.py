"""The machine a benchmark names in its results."""

from __future__ import annotations

import os
from pathlib import Path

from benchmarks.machine import cpu_model, machine


def test_the_processor_is_read_from_cpuinfo(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text(
        "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Processor\nflags\t: fpu\n"
    )
    assert cpu_model(info) == "Intel(R) Xeon(R) Processor"


def test_without_cpuinfo_the_platform_names_it(tmp_path: Path) -> None:
    missing = cpu_model(tmp_path / "absent")
    assert missing and "model name" not in missing
    empty = tmp_path / "cpuinfo"
    empty.write_text("processor\t: 0\nmodel name\t:\n")  # a blank model name is no name
    assert cpu_model(empty) == missing


def test_a_results_row_names_cores_and_versions() -> None:
    row = machine()
    assert set(row) == {"machine", "python", "ortools"}
    assert row["machine"].endswith(f"{os.cpu_count()} cores, {os.uname().machine}")
    assert row["ortools"][0].isdigit() and row["python"].count(".") == 2
