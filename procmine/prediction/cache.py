"""Forecasts kept on disk per dataset, filter stack and rules, so a second `procmine predict` is instant.

The key holds the dataset's folder, its procmine.json (which changes with every write), the
filter stack, the rules, the calendar and procmine's and LightGBM's versions. Files are
written atomically under $PROCMINE_CACHE (default ~/.cache/procmine/predict).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path

from procmine.atomic import atomic_file
from procmine.eventlog import EventLog
from procmine.schema import META_FILE

CACHE_ENV = "PROCMINE_CACHE"
FORMAT = 10    # 10: the online map used wherever it refits; 9: typed columns of an empty cases table; 8: the online calibration map; 7: the adaptive conformal level (fixed-level coverage beside it); 6: the test ECE's interval and noise floor; 5: forward-ECE gate, recency-weighted / Mondrian interval


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else Path.home() / ".cache" / "procmine" / "predict"


def cache_key(log: EventLog, rules, calendar) -> str:
    """A digest of everything a forecast depends on."""
    import lightgbm

    import procmine

    folder = Path(log.dataset.path).resolve()
    meta = (folder / META_FILE).read_bytes() if (folder / META_FILE).is_file() else b""
    parts = {"folder": str(folder), "meta": hashlib.sha256(meta).hexdigest(),
             "filters": [_filter_dict(f) for f in log.filters],
             "rules": None if rules is None else [r.model_dump() for r in rules],
             "calendar": repr(calendar), "versions": [FORMAT, procmine.__version__, lightgbm.__version__]}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]


def _filter_dict(criterion) -> dict:
    """A stacked filter as its dict (the log's stack holds procmine filters)."""
    from procmine.filters import Filter

    if not isinstance(criterion, Filter):
        raise TypeError(f"A forecast can only be cached over procmine filters, not {type(criterion).__name__}.")
    return criterion.to_dict()


def cached(key: str, compute: Callable[[], object]):
    """The object stored under `key`, else `compute()` stored there (a damaged file is recomputed)."""
    path = cache_dir() / f"{key}.pkl"
    if path.is_file():
        try:
            with path.open("rb") as file:
                return pickle.load(file)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            path.unlink()   # written by an older procmine or cut short: compute it again
    result = compute()
    with atomic_file(path, make_parents=True) as tmp:   # the cache folder is ours to make
        tmp.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return result
