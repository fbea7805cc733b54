"""A batch run's totals: its decision trees' leaves in, hours per category and outcome out, and as a table.

Every row decided reaches one leaf of the run's tree (trees.Leaf), which
tallies the rows and their hours (scaled to whole numbers, see
totals.scale), or is decided in parts, each part's hours tallied to its
own outcome (`add_in_parts`, in the batch's in_parts_totals); `totals_by_category` adds the tallies up per
category as exact Fractions of an hour, and `summary_text` lays them out for
`ftdsl run LOG --summary`. Rows with errors reach no leaf and are not
counted; the table says how many there were.
"""

from __future__ import annotations

from fractions import Fraction

from .numbers import decimal_text

_HOURS = ("asked", "entitled", "discretionary", "not_entitled", "paid")  # the keys of the columns of hours, in order


def _entry():
    return {"requests": 0, "asked": Fraction(0), "entitled": Fraction(0), "discretionary": Fraction(0),
            "not_entitled": Fraction(0), "paid": Fraction(0)}


def totals_by_category(leaves, scale, in_parts=None):
    """Totals per category, in category order: rows and hours asked, hours by outcome, paid hours (Fractions).

    `scale` is the run's totals.scale: a leaf's hours are in 1/scale hours.
    `in_parts` holds the totals of the rows decided in parts (add_in_parts),
    in hours scaled too, which are added in.
    """
    table = {}
    for leaf in leaves:
        entry = table.setdefault(leaf.category, _entry())
        hours = Fraction(leaf.hours) / scale
        entry["requests"] += leaf.rows
        entry["asked"] += hours
        entry[leaf.outcome] += hours
        if leaf.paid is True:
            entry["paid"] += hours
    for category, more in (in_parts or {}).items():
        entry = table.setdefault(category, _entry())
        for key, value in more.items():
            entry[key] += value if key == "requests" else Fraction(value) / scale
    return dict(sorted(table.items()))


def add_in_parts(table, category, hours, parts, requests=1):
    """Count a request of `hours` decided in parts in `table` (category -> totals, in the hours given): each
    part's hours go to its own outcome, and to the paid hours when it is paid. `parts` are (hours, outcome,
    paid); a batch gives hours scaled (see totals.scale), and may count several `requests` at once.

    >>> table = {}
    >>> add_in_parts(table, "duties", 3, [(2, "entitled", True), (1, "not_entitled", False)])
    >>> table["duties"]["entitled"], table["duties"]["not_entitled"], table["duties"]["paid"]
    (2, 1, 2)
    """
    entry = table.get(category)
    if entry is None:
        entry = table[category] = {"requests": 0, "asked": 0, "entitled": 0, "discretionary": 0, "not_entitled": 0,
                                   "paid": 0}
    entry["requests"] += requests
    entry["asked"] += hours
    for part_hours, outcome, paid in parts:
        entry[outcome] += part_hours
        if paid is True:
            entry["paid"] += part_hours


def summary_text(summary, error_count=0, rows=0):
    """The totals (totals_by_category's) as an aligned table in hours, with a line for all categories.

    >>> print(summary_text({"duties": {"requests": 2, "asked": Fraction(5, 2), "entitled": 2, "discretionary": 0,
    ...                                "not_entitled": Fraction(1, 2), "paid": 2}}), end="")
    category  requests  asked h  entitled h  discretionary h  not entitled h  paid h
    duties           2      2.5           2                0             0.5       2
    all              2      2.5           2                0             0.5       2
    """
    header = ("category", "requests", "asked h", "entitled h", "discretionary h", "not entitled h", "paid h")
    lines = [header]
    totals = {"requests": 0, "asked": 0, "entitled": 0, "discretionary": 0, "not_entitled": 0, "paid": 0}
    for category, entry in summary.items():
        lines.append((category, str(entry["requests"]), *(decimal_text(entry[k]) for k in _HOURS)))
        for key in totals:
            totals[key] += entry[key]
    lines.append(("all", str(totals["requests"]), *(decimal_text(totals[k]) for k in _HOURS)))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = "\n".join("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths)))
                     for line in lines)
    if error_count:
        text += f"\n{error_count} row{'s' if error_count != 1 else ''} with errors (not counted above)"
    return text + "\n"
