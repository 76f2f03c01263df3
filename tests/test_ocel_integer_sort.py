"""The radix sorts of flattening give what NumPy's sorts give: the compiled passes on small random keys
(hypothesis), the public functions on keys past the size where they switch to them."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from procmine.analysis import kernels as k
from procmine.ocel import (
    id_hashing,  # noqa: F401  (compiled code started: the sorts use their passes)
    radix_passes,
)
from procmine.ocel import integer_sort as sort

_KEYS = st.lists(st.integers(0, 2**62), min_size=1, max_size=60)
_NARROW = st.lists(st.integers(0, 5), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(st.one_of(_KEYS, _NARROW), st.integers(1, 11))
def test_the_compiled_passes_sort_as_numpy(keys, digit_bits):
    values = np.array(keys, np.int64)
    assert (radix_passes.sorted_keys(values, digit_bits) == np.sort(values)).all()
    assert (radix_passes.stable_positions(values, digit_bits) == np.argsort(values, kind="stable")).all()


def test_large_arrays_sort_as_numpy():
    assert sort._compiled_started()
    rng = np.random.default_rng(7)
    keys = rng.integers(0, 1 << 40, 100_000)
    keys[::3] = keys[0]         # many repeats: the order among equals must stay as given
    assert (sort.sorted_distinct(keys) == k.sorted_unique(keys)).all()
    times = rng.integers(-(1 << 45), 1 << 45, 100_000)     # before 1970 too
    times[::5] = times[1]
    assert (sort.stable_order(times) == np.argsort(times, kind="stable")).all()
