"""procmine.json as earlier procmine versions wrote it, literally: each was written by the
commit named, checked out and run on the shared logs or the SBSYS demo database (paths shortened;
long lists cut, as said). The shipped sample_logs/*/procmine.json are version 1 too."""

from __future__ import annotations

import json

from procmine.dataset_meta import DatasetMeta

HISTORY = {
    # 803e973 (2026-11-28): a CSV import
    "import-2026-11-28": r"""{
  "schema_version": 1,
  "source": {
    "path": "/work/shared/data/running-example.csv",
    "format": "csv",
    "mapping": {
      "case_id": "case:concept:name",
      "activity": "concept:name",
      "timestamp": "time:timestamp",
      "resource": "org:resource"
    },
    "encoding": "utf-8",
    "delimiter": ","
  },
  "created_at": "2026-12-03T06:24:32+00:00",
  "timezone": "Europe/Copenhagen",
  "events": 42,
  "cases": 6,
  "activities": 8,
  "notes": []
}""",
    # 0a69ff6 (2026-12-02): a lenient CSV import, places as text
    "lenient-csv-2026-12-02": r"""{
  "schema_version": 1,
  "source": {
    "path": "/data/holes.csv",
    "format": "csv",
    "mapping": {
      "case_id": "case:concept:name",
      "activity": "concept:name",
      "timestamp": "time:timestamp",
      "resource": "org:resource"
    },
    "encoding": "utf-8",
    "delimiter": ","
  },
  "created_at": "2026-12-03T06:24:47+00:00",
  "timezone": "Europe/Copenhagen",
  "events": 40,
  "cases": 6,
  "activities": 8,
  "notes": [],
  "quarantine": {
    "events": 2,
    "without_activity": 1,
    "without_timestamp": 1,
    "cases_left_out": 0,
    "first": [
      "row 4",
      "row 8"
    ]
  }
}""",
    # 0a69ff6: a lenient Excel import, a place in a sheet as text
    "lenient-xlsx-2026-12-02": r"""{
  "schema_version": 1,
  "source": {
    "path": "/data/holes.xlsx",
    "format": "xlsx",
    "mapping": {
      "case_id": "case_id",
      "activity": "activity",
      "timestamp": "timestamp"
    },
    "sheet": "Sager"
  },
  "created_at": "2026-12-03T06:26:46+00:00",
  "timezone": "Europe/Copenhagen",
  "events": 2,
  "cases": 1,
  "activities": 2,
  "notes": [],
  "quarantine": {
    "events": 1,
    "without_activity": 1,
    "without_timestamp": 0,
    "cases_left_out": 0,
    "first": [
      "row 3 in sheet 'Sager'"
    ]
  }
}""",
    # 0a69ff6: a lenient XES import, an event of a trace as text
    "lenient-xes-2026-12-02": r"""{
  "schema_version": 1,
  "source": {
    "path": "/data/holes.xes",
    "format": "xes",
    "xes_traces": 6,
    "xes_events": 42
  },
  "created_at": "2026-12-03T06:26:29+00:00",
  "timezone": "Europe/Copenhagen",
  "events": 41,
  "cases": 6,
  "activities": 8,
  "notes": [],
  "quarantine": {
    "events": 1,
    "without_activity": 0,
    "without_timestamp": 1,
    "cases_left_out": 0,
    "first": [
      "event 1 of trace 2 (case '2')"
    ]
  }
}""",
    # b478044 (main before DatasetMeta): places as data
    "lenient-csv-places-as-data": r"""{
  "schema_version": 1,
  "source": {
    "path": "/data/holes.csv",
    "format": "csv",
    "mapping": {
      "case_id": "case:concept:name",
      "activity": "concept:name",
      "timestamp": "time:timestamp",
      "resource": "org:resource"
    },
    "encoding": "utf-8",
    "delimiter": ","
  },
  "created_at": "2026-12-03T06:25:49+00:00",
  "timezone": "Europe/Copenhagen",
  "events": 40,
  "cases": 6,
  "activities": 8,
  "notes": [],
  "quarantine": {
    "events": 2,
    "without_activity": 1,
    "without_timestamp": 1,
    "cases_left_out": 0,
    "first": [
      {
        "row": 4
      },
      {
        "row": 8
      }
    ]
  }
}""",
    # fc49e2f (2026-12-02): an OCEL import, cases counted per event (event_types cut to two)
    "ocel-2026-12-02": r"""{
  "schema_version": 1,
  "source": {
    "path": "k.jsonocel",
    "format": "ocel2"
  },
  "created_at": "2026-12-03T06:26:12+00:00",
  "timezone": "Europe/Copenhagen",
  "events": 217,
  "cases": 217,
  "activities": 33,
  "notes": [],
  "ocel": {
    "event_types": {
      "Anmodning modtaget": {
        "resource": "string",
        "org_unit": "string",
        "role": "string"
      },
      "Journaliseret": {
        "resource": "string",
        "org_unit": "string",
        "role": "string"
      }
    },
    "object_types": {
      "case": {
        "case_type": "string",
        "kle": "string",
        "facet": "string",
        "department": "string",
        "channel": "string",
        "category": "string",
        "outcome": "string",
        "opened_at": "time",
        "closed_at": "time"
      },
      "citizen": {},
      "caseworker": {},
      "department": {}
    },
    "default_case_notion": "case",
    "objects": 85,
    "event_objects": 784
  }
}""",
    # b478044: the simulated municipality, cases of the default notion (event_types cut to two)
    "ocel-kommune": r"""{
  "schema_version": 1,
  "source": {
    "kind": "simulation",
    "workflow": "kommune",
    "cases": 30,
    "seed": 2,
    "cases_per_citizen": 2.2,
    "period": [
      "2024-11-01",
      "2026-10-31"
    ]
  },
  "created_at": "2026-12-03T06:25:53+00:00",
  "timezone": "Europe/Copenhagen",
  "events": 217,
  "cases": 30,
  "activities": 33,
  "notes": [
    "Synthetic municipality simulated by procmine: no real cases or persons.",
    "Working days by the Danish calendar: weekdays except public holidays and 5 June, 24 December, 31 December; office hours Mon–Thu 08:00–16:00, Fri 08:00–15:00 (Europe/Copenhagen)."
  ],
  "ocel": {
    "event_types": {
      "Anmodning modtaget": {
        "resource": "string",
        "org_unit": "string",
        "role": "string"
      },
      "Journaliseret": {
        "resource": "string",
        "org_unit": "string",
        "role": "string"
      }
    },
    "object_types": {
      "case": {
        "case_type": "string",
        "kle": "string",
        "facet": "string",
        "department": "string",
        "channel": "string",
        "category": "string",
        "outcome": "string",
        "opened_at": "time",
        "closed_at": "time"
      },
      "citizen": {},
      "caseworker": {},
      "department": {}
    },
    "default_case_notion": "case",
    "objects": 85,
    "event_objects": 784
  }
}""",
    # 5b3e6e9 (2026-11-28): a first SBSYS extraction (three of its sources kept)
    "connector-2026-11-28": r"""{
  "schema_version": 1,
  "source": {
    "connector": "sbsys",
    "protected_cases": false,
    "url": "sqlite:////data/sbsys-demo.db",
    "sources": [
      "sag_oprettet",
      "status",
      "dokument"
    ]
  },
  "created_at": "2026-12-03T06:25:26+00:00",
  "extracted_at": "2026-12-03T06:25:26+00:00",
  "timezone": "Europe/Copenhagen",
  "events": 230,
  "cases": 19,
  "runs": 1,
  "lookback_hours": 48.0,
  "watermarks": {
    "sag_oprettet": "2024-06-19T01:26:39",
    "status": "2024-07-27T11:39:54",
    "dokument": "2024-06-27T21:08:42"
  },
  "pseudonymisation": {
    "enabled": true,
    "method": "HMAC-SHA256",
    "key_env": "PROCMINE_PSEUDONYM_KEY",
    "key_id": null,
    "key_fingerprint": "a67883ed7e71c61a",
    "cpr_replacement": "[CPR]"
  },
  "counts": {
    "events": 230,
    "cases": 19,
    "events_per_source": {
      "sag_oprettet": 19,
      "status": 87,
      "dokument": 59
    },
    "last_run": {
      "sag_oprettet": 19,
      "status": 87,
      "dokument": 59
    }
  },
  "parts": [
    {
      "file": "part-000001.parquet",
      "events": 230,
      "extracted_at": "2026-12-03T06:25:26+00:00",
      "watermarks": {
        "sag_oprettet": "2024-06-19T01:26:39",
        "status": "2024-07-27T11:39:54",
        "dokument": "2024-06-27T21:08:42"
      }
    }
  ]
}""",
    # b478044: two SBSYS runs, the second adding nothing, with retraction counts (three sources kept)
    "connector-2026-12-02": r"""{
  "schema_version": 1,
  "source": {
    "connector": "sbsys",
    "protected_cases": false,
    "citizen": true,
    "url": "sqlite:////data/sbsys-demo.db",
    "sources": [
      "sag_oprettet",
      "status",
      "dokument"
    ]
  },
  "created_at": "2026-12-03T06:25:48+00:00",
  "extracted_at": "2026-12-03T06:25:49+00:00",
  "timezone": "Europe/Copenhagen",
  "events": 79,
  "cases": 7,
  "runs": 2,
  "lookback_hours": 48.0,
  "watermarks": {
    "sag_oprettet": "2024-06-23T09:40:26",
    "status": "2024-07-19T21:46:29",
    "dokument": "2024-07-01T07:55:52"
  },
  "pseudonymisation": {
    "enabled": true,
    "method": "HMAC-SHA256",
    "key_env": "PROCMINE_PSEUDONYM_KEY",
    "key_id": null,
    "key_fingerprint": "a67883ed7e71c61a",
    "cpr_replacement": "[CPR]"
  },
  "counts": {
    "events": 79,
    "cases": 7,
    "events_per_source": {
      "sag_oprettet": 7,
      "status": 33,
      "dokument": 20
    },
    "last_run": {
      "sag_oprettet": 0,
      "status": 0,
      "dokument": 0
    },
    "last_run_retracted": {}
  },
  "parts": [
    {
      "file": "part-000001.parquet",
      "events": 79,
      "extracted_at": "2026-12-03T06:25:48+00:00",
      "watermarks": {
        "sag_oprettet": "2024-06-23T09:40:26",
        "status": "2024-07-19T21:46:29",
        "dokument": "2024-07-01T07:55:52"
      }
    }
  ]
}""",
}


def as_version_1(meta: DatasetMeta) -> dict:
    """The facts laid out as version 1 wrote them (connectors/runner.py before DatasetMeta)."""
    content = {**json.loads(meta.to_json()), "schema_version": 1}
    incremental = content.pop("incremental", None)
    if incremental is not None:
        counts = {key: incremental.pop(key) for key in ("events_per_source", "last_run", "last_run_retracted")}
        content.update(incremental)
        content["counts"] = {"events": meta.events, "cases": meta.cases, **counts}
    return content
