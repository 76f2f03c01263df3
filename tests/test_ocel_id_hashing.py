"""The compiled id table is exact when hashes collide: every text forced onto one hash still finds its
own row (the pass by hash alone then points at another id, and the pass by text walks on)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from procmine.ocel import id_hashing as h
from procmine.ocel.id_codes import _buffers

_TEXTS = st.lists(st.sampled_from(["a", "b", "ab", "ba", "é", "", "aaaaaaaaaaaaaaaaaaaaaaaaa"]), max_size=10)


@settings(max_examples=150, deadline=None)
@given(_TEXTS, _TEXTS)
def test_colliding_hashes_still_find_the_right_rows(ids, references):
    known, named = pa.array(ids, pa.string()), pa.array(references, pa.string())
    offsets, data = _buffers(known)
    other_offsets, other_data = _buffers(named)
    same_hash = np.zeros(len(ids), np.uint64)          # every id collides with every other
    table, first_rows = h.build_table(offsets, data, same_hash, np.zeros(0, np.bool_), 5)
    rows = h.look_up(table, offsets, data, other_offsets, other_data, np.zeros(len(references), np.uint64),
                     np.zeros(0, np.bool_))
    assert first_rows.tolist() == [ids.index(text) for text in ids]
    assert rows.tolist() == [ids.index(text) if text in ids else -1 for text in references]


def test_a_slice_reads_its_own_texts():
    texts = pa.array(["x", "yy", "zzz", "yy"], pa.string()).slice(1, 3)
    offsets, data = _buffers(texts)
    _table, first_rows = h.build_table(offsets, data, h.text_hashes(offsets, data), np.zeros(0, np.bool_), 3)
    assert first_rows.tolist() == [0, 1, 0]
