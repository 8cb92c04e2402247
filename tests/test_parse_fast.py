"""The quick checks for the usual estimate and depends_on (issue 9: loading 5,000 items) accept
exactly what the field rules accept, and leave every other value to the checks that explain."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap_tui.model import parse

NUMBERS = st.one_of(
    st.integers(-3, 12_000),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-1, parse.MAX_DAYS + 1),
    st.booleans(),
    st.sampled_from([0, 0.0, -0.0, parse.MAX_DAYS, float(parse.MAX_DAYS), 10**400]),
)


def _points_ok(values: list[object]) -> bool:
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return False
    if not all(math.isfinite(v) for v in values if isinstance(v, float)):
        return False
    lo, ml, hi = values
    return 0 <= lo <= ml <= hi <= parse.MAX_DAYS  # type: ignore[operator]


@settings(max_examples=400, deadline=None)
@given(st.lists(NUMBERS, min_size=3, max_size=3), st.booleans())
def test_three_points_are_accepted_exactly_when_the_rules_allow(
    values: list[object], as_tuple: bool
) -> None:
    raw = tuple(values) if as_tuple else values
    try:
        got = parse.parse_points(raw)
    except parse.FieldError:
        assert not _points_ok(values)
        return
    assert _points_ok(values)
    assert got == tuple(float(v) for v in values)  # type: ignore[arg-type]
    assert all(type(x) is float for x in got)


IDS = st.one_of(
    st.sampled_from(["a", "b", "x-1", "y_2", "a b", "", "ok\n", "é"]),
    st.integers(0, 3),
    st.lists(st.just("a"), max_size=1),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(IDS, max_size=4), st.booleans())
def test_id_arrays_are_accepted_exactly_when_the_rules_allow(
    values: list[object], as_tuple: bool
) -> None:
    ok = all(isinstance(v, str) and parse.ID_RE.match(v) for v in values) and len(
        {repr(v) for v in values}
    ) == len(values)
    raw = tuple(values) if as_tuple else values
    if ok:
        assert parse._ids(raw) == tuple(values)
    else:
        with pytest.raises(parse.FieldError):
            parse._ids(raw)


@pytest.mark.parametrize("value", [10**400, -(10**309), [0, 1, 10**400], [-(10**400), 1, 2]])
def test_an_integer_past_floats_range_is_a_field_error(value: object) -> None:
    """TOML integers are read whole; one no float holds is refused like inf, not a crash."""
    with pytest.raises(parse.FieldError, match=r"found -?1000000"):
        parse.parse_points(value)
    with pytest.raises(parse.FieldError):
        parse.parse_item_field("impact", value)
