"""Retractions: events extracted once whose source rows have since been deleted are removed.

A plan with `retractions` selects the rows deleted past its retraction watermark; their event
keys, computed exactly as when they were extracted, are looked up in the committed parts, and
each part that holds any is written again without them, to a hidden file. `incremental.commit`
swaps the rewritten parts in behind a backup link that is dropped only after the commit point,
so a failed run leaves every part as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from connectors.incremental import EVENT_KEY, DatasetState
from procmine import schema as s


@dataclass(frozen=True)
class Rewrite:
    """A committed part written again without its retracted events."""

    temporary: Path
    name: str
    events: int


def rewrite_parts(state: DatasetState, keys_by_source: dict[str, pa.Array]
                  ) -> tuple[list[Rewrite], dict[str, int]]:
    """Rewrite the parts holding any of the keys; gives the rewrites and, per source that lost
    any, how many events were removed."""
    wanted = {source: keys for source, keys in keys_by_source.items() if len(keys)}
    if not wanted:
        return [], {}
    every = pa.chunked_array(list(wanted.values()), pa.string()).combine_chunks()
    rewrites, removed = [], dict.fromkeys(wanted, 0)
    for part in state.parts:
        file = state.path / s.EVENTS_DIR / part.file
        hit = pc.is_in(pq.read_table(file, columns=[EVENT_KEY]).column(EVENT_KEY), value_set=every)
        if not pc.any(hit).as_py():
            continue
        table = pq.read_table(file)
        gone = table.filter(hit).column(EVENT_KEY)
        for source, keys in wanted.items():
            removed[source] += int(pc.sum(pc.is_in(gone, value_set=keys)).as_py() or 0)
        kept = table.filter(pc.invert(hit))
        temporary = file.parent / f".{part.file}.rewrite.tmp"
        others = [n for n in kept.schema.names if n != EVENT_KEY]
        pq.write_table(kept, temporary, compression="zstd", use_dictionary=others,
                       write_statistics=others)
        rewrites.append(Rewrite(temporary, part.file, kept.num_rows))
    return rewrites, {source: count for source, count in removed.items() if count}


def discard(rewrites: list[Rewrite]) -> None:
    """Remove the hidden files of rewrites that were not committed."""
    for rewrite in rewrites:
        rewrite.temporary.unlink(missing_ok=True)
