"""Resource quantities (`100m`, `256Mi`, `1Gi`, `0.5`, `1e3`) as numbers.

Grammar and suffixes: `staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go`
(binary Ki..Ei, decimal n u m k M G T P E, decimal exponents).
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_BINARY = {"Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "Pi": 2 ** 50, "Ei": 2 ** 60}
_DECIMAL = {"n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1),
            "k": Decimal("1e3"), "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"),
            "P": Decimal("1e15"), "E": Decimal("1e18")}
_QUANTITY = re.compile(r"^([+-]?[0-9.]+)([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$")

MI = 2 ** 20


def parse(value: str | int | float) -> Decimal:
    """The quantity's value in base units; ValueError for text the apiserver would reject."""
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    match = _QUANTITY.match(str(value).strip())
    if not match:
        raise ValueError(f"quantities must match the regular expression "
                         f"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': {value!r}")
    try:
        number = Decimal(match.group(1))
    except InvalidOperation:
        raise ValueError(f"invalid quantity {value!r}") from None
    suffix = match.group(2) or ""
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix[:1] in ("e", "E"):
        return number * Decimal(10) ** int(suffix[1:])
    return number * _DECIMAL[suffix]


def millicores(value: str | int | float) -> int:
    return int((parse(value) * 1000).to_integral_value(rounding="ROUND_CEILING"))


def byte_count(value: str | int | float) -> int:
    return int(parse(value).to_integral_value(rounding="ROUND_CEILING"))
