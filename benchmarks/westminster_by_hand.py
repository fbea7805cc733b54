"""Westminster's agreement written by hand, as an analyst would: a request log (CSV) in, decisions (CSV) out.

The baseline for bench_batch.py. It implements the same rules as
rulesets/westminster.ftr directly and efficiently: csv module, dicts,
per-representative running totals in whole minutes (a working day is
7 h 12 min = 432 minutes, so every quantity in the log is a whole number
of minutes). It assumes what a one-off script would: the log is sorted by
date, every row is valid, and every row carries the columns it reads.

    python benchmarks/westminster_by_hand.py LOG.csv OUT.csv

Output columns: line, outcome, paid (true/false/empty), clauses (';').
"""

import csv
import datetime
import sys

DAY = 432  # minutes in a working day
WEEK = 36 * 60  # minutes in the 36-hour week that FTE is a share of


def branch_secretary_fte_tenths(members):
    """§4.8 in tenths of an FTE; None below the table (it starts at 0 members, so never None here)."""
    for low, high, tenths in ((0, 99, 0), (100, 250, 1), (251, 500, 5), (501, 1000, 10), (1001, 1500, 15),
                              (1501, 2000, 20), (2001, 2500, 25), (2501, 3000, 30)):
        if low <= members <= high:
            return tenths
    return 30 + 5 * -(-(members - 3000) // 500)


def teacher_minutes(members):
    """§6.13 minutes per week by school members; None when no band covers the count (0 members)."""
    if 1 <= members <= 10:
        return 30
    if 11 <= members <= 30:
        return 60
    if members >= 31:
        return 120
    return None


def main(log_path, out_path):
    month_used = {}  # (rep, category) -> [month key, minutes]
    week_used = {}  # (rep, category) -> [week key, minutes]
    year_used = {}  # rep -> [year key, minutes] (training only)
    dates = {}
    with open(log_path, newline="", encoding="utf-8") as handle, open(out_path, "w", newline="", encoding="utf-8") as out:
        reader = csv.reader(handle)
        header = next(reader)
        col = {name: i for i, name in enumerate(header)}
        i_rep, i_date, i_cat = col["rep"], col["date"], col["category"]
        i_hours, i_days, i_half = col["hours"], col["days"], col["half days"]
        i_hrs, i_notice, i_roles = col["in working hours"], col["notice days"], col["roles"]
        i_group, i_emp, i_branch = col["staff group"], col["employed by council"], col["branch members"]
        i_school, i_direct, i_new = col["school members"], col["representing directly employed staff"], col[
            "new representative training"]
        writer = csv.writer(out)
        writer.writerow(["line", "outcome", "paid", "clauses"])
        write = writer.writerow
        line = 1
        for row in reader:
            line += 1
            rep, category = row[i_rep], row[i_cat]
            date = dates.get(row[i_date])
            if date is None:
                day = datetime.date.fromisoformat(row[i_date])
                monday = day - datetime.timedelta(days=day.weekday())
                year = day.year if day.month >= 4 else day.year - 1  # the agreement's year starts on 1 April
                date = dates[row[i_date]] = (day.year * 12 + day.month, monday.toordinal(), year)
            month, week, year = date
            if row[i_hours]:
                minutes = round(float(row[i_hours]) * 60)
            elif row[i_days]:
                minutes = round(float(row[i_days]) * DAY)
            else:
                minutes = round(float(row[i_half]) * DAY / 2)
            in_hours = row[i_hrs] in ("true", "yes", "")

            if row[i_emp] not in ("true", "yes"):
                write([line, "not_entitled", "false", "4.2"])
                continue
            if row[i_direct] in ("false", "no"):
                write([line, "not_entitled", "false", "Standard"])
                continue
            roles = row[i_roles].split(";")
            rep_like = "representative" in roles or "departmental convenor" in roles or "branch secretary" in roles
            clauses = []
            outcome = "entitled"
            paid = "true"

            if category == "duties" or category == "joint committee meetings" or category == "additional responsibilities":
                teaching = row[i_group] == "teaching"
                # (period, limit minutes, clauses of the grants and of the tables they read), in the order the
                # agreement lists them
                pools = []
                if category == "duties":
                    week_limit, week_clauses, month_limit, month_clauses = 0, [], 0, []
                    first = None
                    if "branch secretary" in roles:
                        tenths = branch_secretary_fte_tenths(int(row[i_branch]))
                        week_limit += tenths * WEEK // 10
                        week_clauses += ["6.3", "4.8"]
                        first = first or "week"
                    if "representative" in roles and not teaching:
                        month_limit += 360
                        month_clauses.append("6.12")
                        first = first or "month"
                    if "departmental convenor" in roles:
                        month_limit += DAY
                        month_clauses.append("6.12")
                        first = first or "month"
                    if "representative" in roles and teaching:
                        teacher = teacher_minutes(int(row[i_school] or 0))
                        week_limit += teacher or 0
                        week_clauses.append("6.13")
                        first = first or "week"
                    if week_clauses:
                        pools.append(("week", week_limit, week_clauses))
                    if month_clauses:
                        pools.append(("month", month_limit, month_clauses))
                    if first == "month":
                        pools.reverse()
                elif category == "joint committee meetings":
                    if "representative" in roles:
                        pools.append(("month", 240, ["6.13" if teaching else "6.12"]))
                elif "equalities officer" in roles or "women's officer" in roles:
                    pools.append(("month", 120, ["6.12"]))
                if not pools:
                    outcome = "not_entitled"
                    clauses = {"duties": ["6.3", "6.12", "6.13"], "joint committee meetings": ["6.12", "6.13"],
                               "additional responsibilities": ["6.12"]}[category]
                else:
                    outcome = "discretionary"
                    for period, limit, pool_clauses in pools:
                        used = (month_used if period == "month" else week_used).get((rep, category))
                        key = month if period == "month" else week
                        taken = used[1] if used is not None and used[0] == key else 0
                        if taken + minutes <= limit:
                            outcome = "entitled"
                            clauses += pool_clauses
                            break
                    if outcome == "discretionary":
                        for pool in pools:
                            clauses += pool[2]
                        clauses.append("6.13")  # additional time case by case
            elif category == "training":
                if not rep_like:
                    outcome, clauses = "not_entitled", ["6.17"]
                else:
                    used = year_used.get(rep)
                    taken = used[1] if used is not None and used[0] == year else 0
                    clauses = ["6.17"]
                    if taken + minutes > 5 * DAY:
                        outcome = "discretionary" if row[i_new] in ("true", "yes") else "not_entitled"
            elif category == "conference":
                if not rep_like:
                    outcome, clauses = "not_entitled", ["6.17"]
                else:
                    clauses = ["6.17"]
                    if int(row[i_notice]) < 42:
                        outcome = "discretionary"
            elif category == "activities":
                if not (rep_like and in_hours):
                    outcome, clauses = "not_entitled", ["5.5"]
                else:
                    outcome, clauses, paid = "discretionary", ["5.5"], ""
            elif category == "mass meeting":
                if not in_hours:
                    outcome, clauses = "not_entitled", ["5.6"]
                else:
                    outcome, clauses = "discretionary", ["5.6"]
            if outcome == "not_entitled":
                if category == "training" and rep_like:
                    # Decided in parts: what is left of the 5 days is entitled, and counts against later time.
                    used = year_used.get(rep)
                    taken = used[1] if used is not None and used[0] == year else 0
                    if taken < 5 * DAY:
                        year_used[rep] = [year, 5 * DAY]
                write([line, outcome, "false", ";".join(clauses)])
                continue
            # Time counted against the allowances (§6.16: time off in lieu counts too).
            if category == "training":
                used = year_used.get(rep)
                if used is None or used[0] != year:
                    year_used[rep] = [year, minutes]
                else:
                    used[1] += minutes
            elif category in ("duties", "joint committee meetings", "additional responsibilities"):
                for table, key in ((month_used, month), (week_used, week)):
                    used = table.get((rep, category))
                    if used is None or used[0] != key:
                        table[(rep, category)] = [key, minutes]
                    else:
                        used[1] += minutes
            write([line, outcome, paid, ";".join(clauses)])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
