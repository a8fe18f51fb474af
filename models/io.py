"""Reading problem and solution files with errors a person can act on.

Every failure becomes an ``InputError`` whose lines name the file, the field path and the bad value;
the CLI prints them and exits 2, the API will answer 422 with the same messages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from models.problem import Problem
from models.solution import Solution

M = TypeVar("M", bound=BaseModel)
MAX_BYTES = 200 * 1024 * 1024


class InputError(ValueError):
    def __init__(self, source: str, problems: list[str]) -> None:
        self.source, self.problems = source, problems
        super().__init__("\n".join(f"{source}: {line}" for line in problems))


def field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def describe(error: ValidationError) -> list[str]:
    lines = []
    for e in error.errors(include_url=False):
        where = field_path(tuple(e["loc"]))
        if e["type"] == "missing":
            lines.append(f"{where}: required field is missing")
            continue
        value = e.get("input")
        shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
        if len(shown) > 80:
            shown = shown[:77] + "..."
        lines.append(f"{where} = {shown}: {e['msg']}")
    return lines


def parse(model: type[M], text: str | bytes, source: str) -> M:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(source, [f"not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}"]) from None
    except UnicodeDecodeError:
        raise InputError(source, ["not UTF-8 text"]) from None
    if not isinstance(data, dict):
        raise InputError(source, [f"expected a JSON object at the top level, got {type(data).__name__}"])
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise InputError(source, describe(e)) from None


def read(model: type[M], path: str | Path) -> M:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(str(path), [f"file is larger than {MAX_BYTES // 2**20} MiB"])
        text = path.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), ["no such file"]) from None
    except IsADirectoryError:
        raise InputError(str(path), ["is a directory, not a file"]) from None
    except PermissionError:
        raise InputError(str(path), ["permission denied"]) from None
    return parse(model, text, str(path))


def read_problem(path: str | Path) -> Problem:
    return read(Problem, path)


def read_solution(path: str | Path) -> Solution:
    return read(Solution, path)


def write_json(model: BaseModel, path: str | Path) -> None:
    """Write atomically: a crash never leaves half a file where a good one was."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(model.model_dump_json(indent=1, exclude_none=False) + "\n", encoding="utf-8")
    tmp.replace(path)
