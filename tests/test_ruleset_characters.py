"""Characters in rulesets that look like what they are not: digits of other
scripts (E104), numbers too long to read (E225), and names spelt with a
letter that passes for a plain one (W160, and the hints of E102 and E20x)."""

from __future__ import annotations

import pytest

from conftest import run_cli
from ftdsl.api import load_ruleset_text
from ftdsl.errors import FtdslError
from ftdsl.lint import lint
from ftdsl.nodes import lookalikes, plain_spelling

HEAD = """categories: duties
fact roles: list of roles
fact members: count
roles: representative
§5 duties are paid
"""
# Every line below is line 6 of its ruleset.
RULE = "§6.12 representative may take up to 4 hours per month for duties\n"


def errors(text: str) -> list:
    """The diagnostics a ruleset is refused with (it must be refused)."""
    with pytest.raises(FtdslError) as raised:
        load_ruleset_text(text, "t.ftr")
    return raised.value.diagnostics


def warnings(text: str, code: str) -> list:
    loaded = load_ruleset_text(text, "t.ftr")
    return [d for d in lint(loaded.model, loaded.ast) if d.code == code]


# ---- digits of other scripts -------------------------------------------------------------

# (line 6 of the ruleset, the column of the first foreign digit, the number as it should be typed)
FOREIGN_DIGITS = {
    # 36 characters come before the amount: "§6.12 representative may take up to "
    "amount, Bengali four": ("§6.12 representative may take up to \u09ea hours per month for duties", 37, "4"),
    "amount, Arabic-Indic": ("§6.12 representative may take up to \u0664 hours per month for duties", 37, "4"),
    "amount, full-width": ("§6.12 representative may take up to \uff14 hours per month for duties", 37, "4"),
    "amount, after an ASCII digit": ("§6.12 representative may take up to 1\u09ea.5 hours per month for duties", 38, "14.5"),
    "clause number": ("§\u09ec.12 representative may take up to 4 hours per month for duties", 2, "6.12"),
    "rolling window": ("§6 representative may take up to 4 hours in any \u09e7\u09e8 months for duties", 49, "12"),
    "condition": ("§6 representative may take up to 4 hours per month for duties when members > \u09eb", 78, "5"),
    "day of a date": ("agreed \u09e9 April 2006", 8, "3"),
    "ISO date": ("effective \u09e8\u09e6\u09e6\u09ec-04-01", 11, "2006-04-01"),
}


@pytest.mark.parametrize("line, column, plain", FOREIGN_DIGITS.values(), ids=FOREIGN_DIGITS.keys())
def test_a_digit_of_another_script_is_an_error_at_its_place(line, column, plain):
    found = errors(HEAD + line + "\n" + RULE)
    assert [(d.code, d.span.line, d.span.column) for d in found] == [("E104", 6, column)]
    assert found[0].hint == f"write {plain} with the digits 0-9"


def test_the_message_names_the_digit():
    (found,) = errors(HEAD + FOREIGN_DIGITS["amount, Bengali four"][0] + "\n")
    assert "'\u09ea' (BENGALI DIGIT FOUR)" in found.message
    assert "0-9" in found.message


def test_a_band_row_with_a_foreign_digit():
    text = HEAD.replace("§5", "§4 release is by members:\n    0 \u2013 \u09ef\u09ef: 1 hour\n§5") + \
        "§6 representative may take up to release per month for duties\n"
    (found,) = errors(text)
    # "    0 – " is 8 characters; the table row is line 6
    assert (found.code, found.span.line, found.span.column, found.hint) == ("E104", 6, 9, "write 99 with the digits 0-9")


def test_the_bengali_four_is_not_granted_as_four_hours():
    # Before: 'up to ৪ hours' granted 4 h and `ftdsl check` said ok.
    path_text = HEAD + FOREIGN_DIGITS["amount, Bengali four"][0] + "\n"
    with pytest.raises(FtdslError):
        load_ruleset_text(path_text, "t.ftr")


def test_check_reports_it_with_file_line_and_column(tmp_path):
    path = tmp_path / "bengali.ftr"
    path.write_text(HEAD + FOREIGN_DIGITS["amount, Bengali four"][0] + "\n", encoding="utf-8")
    result = run_cli("check", "bengali.ftr", cwd=tmp_path)
    assert result.returncode == 1
    assert "bengali.ftr:6:37: error E104: '\u09ea' (BENGALI DIGIT FOUR)" in result.stdout
    assert "hint: write 4 with the digits 0-9" in result.stdout


def test_digits_of_any_script_are_fine_in_quotations_and_comments():
    text = HEAD + RULE.rstrip("\n") + ' says "\u09ea \u0998\u09a8\u09cd\u099f\u09be"  # \u09ea\n'
    loaded = load_ruleset_text(text, "t.ftr")
    assert loaded.model.grants[0].quantity.hours == 4


# ---- numbers too long to read ---------------------------------------------------------------

LONG = "9" * 5000

# Each: the rule (line 6 of the ruleset), the column of the number, and what it was to be.
LONG_NUMBERS = {
    "amount": (f"§6 representative may take up to {LONG} hours per month for duties", 34, "to be an amount of time"),
    "table range": (None, 9, "for a table's range"),
    "year": (f"agreed 1 April {LONG}", 16, "for a year"),
    "day": (f"agreed {LONG} April 2006", 8, "for a day of the month"),
    "year start": (f"the year starts on {LONG} April", 20, "for a day of the month"),
    "rolling window": (f"§6 representative may take up to 4 hours in any {LONG} months for duties", 49,
                       "for the length of a period"),
    "condition": (f"§6 representative may take up to 4 hours per month for duties when members > {LONG}", 78,
                  "to compare a fact with"),
    "pay basis": (f"§7 pay is averaged over the previous {LONG} weeks", 38, "for the number of weeks or months"),
}


@pytest.mark.parametrize("line, column, what", LONG_NUMBERS.values(), ids=LONG_NUMBERS.keys())
def test_a_number_of_5000_digits_is_e225_not_a_crash(line, column, what):
    if line is None:  # a band table: its first row is line 6
        text = HEAD.replace("§5", f"§4 release is by members:\n    0 \u2013 {LONG}: 1 hour\n§5") + \
            "§6 representative may take up to release per month for duties\n"
    else:
        text = HEAD + line + "\n" + RULE
    found = errors(text)
    assert [(d.code, d.span.line, d.span.column) for d in found] == [("E225", 6, column)]
    assert found[0].message == f"999999999999… (5,000 digits) is too large {what}"


def test_a_continuation_step_of_5000_digits():
    text = HEAD.replace("§5", f"§4 release is by members:\n    0 \u2013 10: 1 hour\n"
                              f"    then a further 1 hour for every further {LONG} members\n§5") + \
        "§6 representative may take up to release per month for duties\n"
    (found,) = errors(text)
    # line 7; "    then a further 1 hour for every further " is 44 characters
    assert (found.code, found.span.line, found.span.column) == ("E225", 7, 45)


def test_5000_digits_after_the_point():
    (found,) = errors(HEAD + "§6 representative may take up to 0." + "0" * 5000 + "1 hours per month for duties\n")
    assert found.code == "E225"
    assert found.message == "0.0000000000… (5,002 digits) has more than 20 digits after the point"


def test_the_edges_of_what_is_read():
    def hours(amount: str):
        loaded = load_ruleset_text(HEAD + f"§6 representative may take up to {amount} hours per month for duties\n")
        return loaded.model.grants[0].quantity.hours

    assert hours("1000000000") == 10 ** 9  # 10^9 itself is allowed
    assert hours("00000000000000000006") == 6  # leading zeros are not digits of the number
    assert hours("0.12345678901234567890") * 10 ** 20 == 12345678901234567890  # 20 places, exactly
    assert hours("2.50000000000000000000000000") * 2 == 5  # trailing zeros are not places either
    # ten digits past 10^9: the checker's E225, with the number in full
    assert [(d.code, d.message) for d in errors(HEAD + "§6 representative may take up to 9999999999 hours per month for duties\n")] \
        == [("E225", "9999999999 is too large to be an amount of time")]
    # eleven digits, thousands separated: refused from its length, shown as written
    (found,) = errors(HEAD + "§6 representative may take up to 10,000,000,000 hours per month for duties\n")
    assert found.message == "10,000,000,000 is too large to be an amount of time"
    (found,) = errors(HEAD + "§6 representative may take up to 0.123456789012345678901 hours per month for duties\n")
    assert found.code == "E225"


# ---- names with look-alike letters ---------------------------------------------------------

def test_a_long_s_in_a_name_used_consistently_is_w160():
    text = HEAD.replace("duties", "dutie\u017f") + RULE.replace("duties", "dutie\u017f")
    (found,) = warnings(text, "W160")
    assert (found.span.line, found.span.column) == (1, 13)  # where the name is declared
    assert "'\u017f' (LATIN SMALL LETTER LONG S), which looks like 's'" in found.message
    assert "it is not the name 'duties'" in found.message
    assert found.hint.startswith("retype it as 'duties'")
    assert found.severity == "warning"


def test_a_dotless_i_in_a_role_is_w160():
    text = HEAD.replace("representative", "representat\u0131ve") + RULE.replace("representative", "representat\u0131ve")
    (found,) = warnings(text, "W160")
    assert (found.span.line, found.span.column) == (4, 8)
    assert "'\u0131' (LATIN SMALL LETTER DOTLESS I), which looks like 'i'" in found.message


def test_a_look_alike_of_another_name_says_so():
    text = HEAD.replace("categories: duties", "categories: duties, dutie\u017f").replace("§5 duties", "§5 duties, dutie\u017f")
    (found,) = warnings(text + RULE, "W160")
    assert (found.span.line, found.span.column) == (1, 21)
    assert found.message.endswith("'duties' on line 1 is another name")


def test_a_look_alike_in_a_compared_word_is_w160():
    # A text fact compared with 'unıson' never equals what a scenario types.
    text = HEAD + "fact union: text\n" + RULE.rstrip("\n") + " when union is un\u0131son\n"
    (found,) = warnings(text, "W160")
    assert "'un\u0131son'" in found.message and "'unison'" in found.message


@pytest.mark.parametrize("name", ["\u0175yr", "caf\u00e9 worker", "women\u2019s officer", "stra\u00dfe", "na\u00efve"])
def test_welsh_accented_and_curly_apostrophe_names_are_not_flagged(name):
    text = HEAD.replace("representative", name) + RULE.replace("representative", name)
    assert warnings(text, "W160") == []


def test_an_unknown_name_with_a_look_alike_says_which_letter():
    found = errors(HEAD + RULE.replace("representative", "representat\u0131ve").replace("for duties", "for dutie\u017f"))
    assert [d.code for d in found] == ["E201", "E202"]
    assert found[0].hint == ("it is spelt with '\u0131' (LATIN SMALL LETTER DOTLESS I), which looks like 'i', another "
                             "letter; did you mean 'representative'?")
    assert "'\u017f' (LATIN SMALL LETTER LONG S)" in found[1].hint


def test_a_cyrillic_letter_in_a_latin_name_is_refused_with_the_letter_it_looks_like():
    (found,) = errors(HEAD + RULE.replace("representative", "r\u0435presentative"))
    assert (found.code, found.span.line, found.span.column) == ("E102", 6, 8)
    assert found.hint == "this Cyrillic letter looks like the Latin 'e' but is another: type 'e'"


def test_lookalikes_by_script():
    # a Cyrillic 'е' or Greek 'ο' among Latin letters
    assert [(x.char, x.unicode_name, x.plain) for x in lookalikes("r\u0435presentative")] == \
        [("\u0435", "CYRILLIC SMALL LETTER IE", "e")]
    assert plain_spelling("sh\u03bfp steward") == "shop steward"
    # a name wholly in one other script has none
    assert lookalikes("\u03b4\u03ad\u03bb\u03c4\u03b1") == ()
    assert lookalikes("\u043f\u0440\u0435\u0434\u0441\u0442\u0430\u0432\u0438\u0442\u0435\u043b\u044c") == ()
    # Greek letters among Latin ones are named, with no plain letter where none looks alike
    assert [(x.char, x.plain) for x in lookalikes("\u03b4\u03b5\u03bbta")] == [("\u03b4", None), ("\u03b5", None),
                                                                               ("\u03bb", None)]
