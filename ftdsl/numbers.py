"""Exact numbers in words: Fractions of an hour in, short readable text out.

Standard library only: the runtime (and the standalone modules that
`ftdsl compile` writes) use it too.
"""

from fractions import Fraction


def decimal_text(value: Fraction, places: int = 4) -> str:
    """A Fraction as a decimal: exact where it terminates, else rounded with '≈'.

    >>> decimal_text(Fraction(36, 5))
    '7.2'
    >>> decimal_text(Fraction(1, 3))
    '≈0.3333'
    """
    value = Fraction(value)
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator == 1:
        sign = "-" if value < 0 else ""
        value = abs(value)
        whole, rest = divmod(value.numerator, value.denominator)
        if rest == 0:
            return f"{sign}{whole}"
        digits = []
        while rest:
            rest *= 10
            digit, rest = divmod(rest, value.denominator)
            digits.append(str(digit))
        return f"{sign}{whole}." + "".join(digits)
    scaled = round(value * 10 ** places)
    text = f"{abs(scaled) // 10 ** places}.{abs(scaled) % 10 ** places:0{places}d}".rstrip("0").rstrip(".")
    return ("≈-" if scaled < 0 else "≈") + text


def format_hours(value: Fraction) -> str:
    """Hours as '7.2 h', or '7 h 12 min' style is left to the reader: '7.2 h'."""
    return f"{decimal_text(value)} h"


def json_number(value: Fraction):
    """A Fraction for JSON: an int when whole, else the nearest float."""
    value = Fraction(value)
    if value.denominator == 1:
        return value.numerator
    return float(value)
