"""Make a Graphviz (cairo) PDF reproducible: cairo 1.16 stamps the wall-clock time into it."""

from __future__ import annotations

import re

_CREATION_DATE = re.compile(rb"/CreationDate \(D:\d{14}Z\)")
_FIXED_DATE = b"/CreationDate (D:20000101000000Z)"  # same length: the xref offsets stay valid


def fix_creation_date(pdf: bytes) -> bytes:
    return _CREATION_DATE.sub(_FIXED_DATE, pdf)
