"""Excel workbooks: an .xlsx file in (whatever its name says), its first sheet's rows out as cell text.

A log or a roster saved from Excel is read as the CSV it would be saved
as, with openpyxl reading the workbook (a format far too involved to read
with code of our own). Values are taken as Excel stores them, not as a
cell's format shows them: a date is its day written YYYY-MM-DD (with its
time, where it has one), a number is written exactly as Excel holds it
(7.5, 4; never 7.4999999), yes/no cells are true/false, an empty cell is
empty. openpyxl is imported only when a workbook is read.
"""

from __future__ import annotations

import csv
import datetime
import os
import zipfile
from decimal import Decimal

from .errors import Diagnostic, FtdslError, Span

_ZIP = b"PK\x03\x04"


def is_workbook(path: str) -> bool:
    """Whether the file at `path` is an Excel workbook (a zip holding xl/workbook.xml), by its content."""
    try:
        with open(path, "rb") as handle:
            if handle.read(4) != _ZIP:
                return False
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def cell_text(value) -> str:
    """A cell's value as openpyxl gives it, as the text a CSV cell would hold.

    >>> cell_text(7.5), cell_text(4.0), cell_text(datetime.datetime(2026, 4, 6)), cell_text(True), cell_text(None)
    ('7.5', '4', '2026-04-06', 'true', '')
    """
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")  # the shortest text that is this float: what Excel shows
    return str(value)


def rows(path: str, shown: str | None = None):
    """The first sheet's rows as lists of cell text, trailing empty cells and wholly empty rows at the end left
    out; FtdslError (E314) for a workbook openpyxl cannot read."""
    shown = shown or path
    handle = open(path, "rb")  # noqa: SIM115 - closed below; a file object, as openpyxl judges a name by its extension
    try:
        import openpyxl

        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        handle.close()
        raise FtdslError(Diagnostic("E314", f"'{shown}' looks like an Excel workbook but cannot be read: {error}",
                                    Span(shown, 1, 1), hint="open it in Excel and save it again, or save it as "
                                                            "'CSV UTF-8'")) from None
    try:
        sheet = book.worksheets[0]
        found = []
        for values in sheet.iter_rows(values_only=True):
            cells = [cell_text(value) for value in values]
            while cells and cells[-1] == "":
                cells.pop()
            found.append(cells)
        while found and not found[-1]:
            found.pop()
        return found
    finally:
        book.close()
        handle.close()


def as_csv(path: str, folder: str, shown: str | None = None) -> str:
    """The workbook's first sheet written as a UTF-8 CSV file in `folder`; its path. Each row is padded to the
    header's width, so a row Excel stored short is not a row with missing fields. A cell holding a line break
    is quoted, so lines after it in the CSV are one further on than the sheet's rows."""
    found = rows(path, shown)
    width = len(found[0]) if found else 0
    target = os.path.join(folder, "workbook.csv")
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for cells in found:
            writer.writerow(cells + [""] * (width - len(cells)) if cells else [])
    return target
