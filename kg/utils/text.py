"""Numbers as people read them, with no domain knowledge."""

from __future__ import annotations

import math
import re

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters a terminal acts on instead of showing: C0 controls but tab and newline (ESC, BEL,
carriage return…), DEL, C1 controls, and the bidirectional marks and overrides."""


def visible(text: str) -> str:
    r"""``text`` safe to print on a terminal: every control character shown as ``\uXXXX``
    (also a valid JSON escape), so data cannot move the cursor, retitle the window or write
    the clipboard (OSC 52).

    >>> visible("Evil\x1b]52;c;ZXZpbA==\x07 Co\u202e")
    'Evil\\u001b]52;c;ZXZpbA==\\u0007 Co\\u202e'
    >>> visible("two\nlines\tand 魏桥")
    'two\nlines\tand 魏桥'
    """
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def format_number(v) -> str:
    """A number with thousands separators: whole numbers in full, others to six significant
    digits; not a number: its text.

    >>> format_number(30400000000), format_number(2e6), format_number(1234.5), format_number(0.1234567)
    ('30,400,000,000', '2,000,000', '1,234.5', '0.123457')
    >>> format_number(float("nan")), format_number("n/a"), format_number(-0.5)
    ('not known', 'n/a', '-0.5')
    """
    if isinstance(v, bool):
        return str(v)
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if not math.isfinite(x):
        return "not known"
    if x == int(x):
        return f"{int(x):,}"
    digits = max(0, 5 - math.floor(math.log10(abs(x))))  # six significant digits
    text = f"{x:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
