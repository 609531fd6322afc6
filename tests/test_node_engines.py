"""npm ci is clean on the Node the README names: every locked package accepts Node 20.19."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE = (20, 19, 0)  # README, "Quick start": Node 20.19 or later


def _version(text: str) -> tuple[int, int, int]:
    parts = [int(p) for p in re.findall(r"\d+", text)[:3]]
    return (parts + [0, 0, 0])[0], (parts + [0, 0])[1], (parts + [0, 0, 0])[2]


def _comparator(c: str, v: tuple[int, int, int]) -> bool:
    if c.startswith(">="):
        return v >= _version(c[2:])
    if c.startswith("^"):
        low = _version(c[1:])
        return low <= v and v[0] == low[0]
    if re.fullmatch(r"\d+(\.(x|\d+))?(\.(x|\d+))?", c):  # 14, 20.x, 20.1.x: that major (and minor)
        fixed = [int(p) for p in c.split(".") if p != "x"]
        return list(v[: len(fixed)]) == fixed
    raise ValueError(f"engine range form not understood: {c!r}")


def satisfies(version: tuple[int, int, int], spec: str) -> bool:
    """A small reading of npm's engine ranges: ``a || b``, space-separated comparators ANDed."""
    spec = re.sub(r"(>=|\^)\s+", r"\1", spec.strip())
    return any(all(_comparator(c, version) for c in alt.split()) for alt in spec.split("||"))


def test_the_range_reader() -> None:
    assert satisfies((20, 19, 0), ">=20.0.0") and not satisfies((20, 19, 0), ">=22.0.0")
    assert satisfies((20, 19, 0), "^20.19.0 || >=22.12.0") and not satisfies((20, 18, 0), "^20.19.0 || >=22.12.0")
    assert satisfies((20, 19, 0), ">=16 || 14 >=14.17") and satisfies((20, 19, 0), ">= 10.x")
    with pytest.raises(ValueError):
        satisfies((20, 19, 0), "~20")


def test_every_locked_package_accepts_the_documented_node() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text())
    refusing = {name: e["node"] for name, pkg in lock["packages"].items()
                if (e := pkg.get("engines")) and "node" in e and not satisfies(NODE, e["node"])}
    assert refusing == {}
    assert json.loads((ROOT / "package.json").read_text())["engines"]["node"] == ">=20.19"
    assert "engine-strict=true" in (ROOT / ".npmrc").read_text()
