"""Tables as files a person opens in a spreadsheet.

Excel set up for Norway or Sweden reads a CSV file's columns by ';' (the comma is the decimal mark
there) and takes a file without a byte-order mark for the machine's old code page, which garbles æ, ø
and å. So a download for people starts with the UTF-8 mark, separates by ';' and writes decimals with
a comma; a cell that begins like a formula is written as text, so that a name someone typed cannot run
as one. The API's ``format=csv`` stays plain comma-separated UTF-8 for programs.
"""

from __future__ import annotations

import pandas as pd

BOM = "\ufeff"
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _as_text(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA):
        return "'" + value
    return value


def spreadsheet_csv(df: pd.DataFrame) -> str:
    """``df`` as a CSV file that Excel under Nordic settings opens as columns, with its letters whole."""
    safe = df.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(_as_text)
    return BOM + safe.to_csv(index=False, sep=";", decimal=",")
