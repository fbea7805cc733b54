"""Sorting on disk, for a log whose dates go backwards: rows in, in date order out; decisions in, in row order out.

Batch decides rows as they stream in while each representative's dates
only go forwards. When one goes back in time, Batch._sorted starts again
with this fallback, in three passes: the log's rows are sorted by date
(`ByDate`), decided in that order, and their output lines sorted back
into row order (`RowOrder`). Each sort keeps at most `CHUNK_ROWS` items
in memory: it sorts them, writes them as one run to a file in a
temporary folder the caller owns (and removes), and at the end merges
the runs. Memory stays bounded whatever the log's size; the price is two
more passes over the temporary files.
"""

from __future__ import annotations

import datetime
import heapq
import operator
import os
import pickle

from .logs import BadRow

CHUNK_ROWS = 200_000  # items per sorted run; about 100 MB of Python objects at most
_NO_DATE = datetime.date.min  # where a row with no valid date sorts: first, so its error is met first


class ByDate:
    """A log's rows sorted by date on disk, looking like a reader of them.

    In: `dated`, an iterator of (date, line, row) for each row of the log
    (date None for a row without a valid one), and the folder for the
    runs. Iterating gives the rows in date order, ties in line order (a
    BadRow as it came), and appends each row's line to `lines` as it is
    given (Batch._decide_rows reads the last).
    """

    def __init__(self, dated, folder):
        # A BadRow is kept as a tuple: its message and hint are attributes, which the runs keep as plain data.
        runs = _spill((((day or _NO_DATE).toordinal(), line, row if not isinstance(row, BadRow)
                        else ("bad", row.message, row.hint, row.cells)) for day, line, row in dated), folder, "date")
        self.lines = []
        self.line_num = 0
        self.rows = self._replay(runs)

    def _replay(self, runs):
        lines = self.lines
        for _, line, row in heapq.merge(*runs):
            lines.append(line)
            yield BadRow(*row[1:]) if isinstance(row, tuple) else row

    def __iter__(self):
        return self.rows


class RowOrder:
    """Output lines sorted back into row order on disk.

    In: (line, text) pairs as rows are decided, in any order (`add`); out:
    `merged()`, the pairs in line order. `folder` holds the runs.
    """

    def __init__(self, folder):
        self.folder = folder
        self.decided = []  # pairs not yet written to a run
        self.runs = []  # the paths of the runs written

    def add(self, pairs):
        self.decided.extend(pairs)
        if len(self.decided) >= CHUNK_ROWS:
            self._write()

    def _write(self):
        self.runs.append(_write_run(sorted(self.decided), self.folder, f"line{len(self.runs)}"))
        self.decided.clear()

    def merged(self):
        """Every pair added, in line order (the last pairs are written to a run first)."""
        if self.decided:
            self._write()
        return heapq.merge(*(_read_run(path) for path in self.runs))


def _spill(records, folder, name):
    """Sort records in runs of CHUNK_ROWS, each written to a file; return readers of the runs."""
    runs, chunk = [], []
    for record in records:
        chunk.append(record)
        if len(chunk) >= CHUNK_ROWS:
            chunk.sort(key=operator.itemgetter(0, 1))
            runs.append(_write_run(chunk, folder, f"{name}{len(runs)}"))
            chunk = []
    if chunk:
        chunk.sort(key=operator.itemgetter(0, 1))
        runs.append(_write_run(chunk, folder, f"{name}{len(runs)}"))
    return [_read_run(path) for path in runs]


def _write_run(records, folder, name):
    path = os.path.join(folder, name)
    with open(path, "wb") as handle:
        for start in range(0, len(records), 1000):
            pickle.dump(records[start:start + 1000], handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _read_run(path):
    with open(path, "rb") as handle:
        while True:
            try:
                block = pickle.load(handle)  # noqa: S301 - a file this run just wrote to its own temporary folder
            except EOFError:
                return
            yield from block
