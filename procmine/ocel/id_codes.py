"""Ids and the references to them as integer codes, from one hash pass (checking a log at the door).

The ids of one kind (event ids, object ids) and every column that refers to them are dictionary-encoded
together: a code is the place of an id's first appearance, so the ids are distinct exactly when their own
codes are 0, 1, 2, ... and a reference names a known id exactly when its code is below their number. The
uniqueness check, the relations' rows and the lookups for the other checks then share one hash table
(on a 1M-event log: one pass over 5.8M event ids instead of three hash tables built and probed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class IdCodes:
    """The codes of `ids` and of each reference column (-1 for a null)."""

    ids: pa.Array
    codes: np.ndarray
    references: tuple[np.ndarray, ...]
    dictionary: pa.Array

    @property
    def distinct(self) -> bool:
        """Whether the ids are distinct and none is null."""
        return self.ids.null_count == 0 and bool((self.codes == np.arange(len(self.codes))).all())

    def first_repeated(self) -> str | None:
        """The first id (in order of first appearance) used more than once; None when there is none."""
        counts = np.bincount(self.codes[self.codes >= 0], minlength=len(self.dictionary))
        repeated = np.flatnonzero(counts > 1)
        return self.dictionary[int(repeated[0])].as_py() if len(repeated) else None

    def rows(self, reference: int) -> np.ndarray:
        """The row in `ids` of each id the reference column names (its first row), -1 for an unknown one."""
        codes = self.references[reference]
        if self.distinct:
            return np.where(codes < len(self.codes), codes, -1)
        first_row = np.full(len(self.dictionary) + 1, -1, np.int64)
        valid = np.flatnonzero(self.codes >= 0)[::-1]        # the last assignment wins: the first row
        first_row[self.codes[valid]] = valid
        return first_row[codes]                              # a null's code -1 takes the extra slot: -1


def encode_ids(ids: pa.Array | pa.ChunkedArray, *references: pa.Array | pa.ChunkedArray) -> IdCodes:
    """`ids` and the columns referring to them as codes of one dictionary."""
    parts = [_chunks(ids), *(_chunks(r) for r in references)]
    encoded = pc.dictionary_encode(pa.chunked_array([c for chunks in parts for c in chunks], pa.string()))
    sizes = np.cumsum([0, *(sum(len(c) for c in chunks) for chunks in parts)])
    codes = _codes(encoded)
    dictionary = encoded.chunks[-1].dictionary if encoded.num_chunks else pa.array([], pa.string())
    known = parts[0][0] if len(parts[0]) == 1 else pa.chunked_array(parts[0], pa.string()).combine_chunks()
    return IdCodes(known, codes[:sizes[1]],
                   tuple(codes[sizes[i]:sizes[i + 1]] for i in range(1, len(parts))), dictionary)


def _chunks(values: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    """The values as text chunks, not copied (Arrow's concatenation copies even a single chunk)."""
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    return [c.cast(pa.string()) for c in chunks] or [pa.array([], pa.string())]


def _codes(encoded: pa.ChunkedArray) -> np.ndarray:
    """The indices of all chunks as one int64 array, -1 for a null."""
    chunks = []
    for chunk in encoded.chunks:
        indices = chunk.indices
        if indices.null_count:
            indices = pc.fill_null(indices, -1)
        chunks.append(indices.to_numpy(zero_copy_only=False))
    return np.concatenate(chunks).astype(np.int64) if chunks else np.zeros(0, np.int64)
