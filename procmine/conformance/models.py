"""Reference models for conformance: an accepting Petri net read from a .bpmn or .pnml file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from procmine.errors import ModelError


@dataclass(frozen=True)
class PetriModel:
    """An accepting Petri net (pm4py objects) and where it came from."""

    net: Any
    initial_marking: Any
    final_marking: Any
    source: str

    @property
    def activity_names(self) -> set[str]:
        return {t.label for t in self.net.transitions if t.label is not None}


def read_model(path: str | os.PathLike) -> PetriModel:
    """A reference model from a .bpmn or .pnml file, as an accepting Petri net."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".bpmn" or suffix == ".xml":
        from procmine.bpmn_import import read_bpmn
        from procmine.bpmn_model import to_petri_net
        return PetriModel(*to_petri_net(read_bpmn(path)), str(path))
    if suffix == ".pnml":
        return _read_pnml(path)
    raise ModelError(f"Cannot read a model from {path.name!r}: unknown suffix {path.suffix!r}. "
                     "Give a .bpmn or .pnml file.")


def _read_pnml(path: Path) -> PetriModel:
    from pm4py.objects.petri_net.importer.variants import pnml

    if not path.is_file():
        raise ModelError(f"The model file {path} does not exist. Check the path.")
    try:
        net, im, fm = pnml.import_net(str(path))
    except Exception as exc:  # pm4py raises bare lxml and KeyError types for bad PNML
        raise ModelError(f"{path} is not a readable PNML Petri net ({type(exc).__name__}: {exc}). "
                         "Give a PNML file with an initial and a final marking.") from exc
    if not im or not fm:
        raise ModelError(f"{path}: the Petri net has no {'initial' if not im else 'final'} marking. "
                         "Add it to the PNML file.")
    return PetriModel(net, im, fm, str(path))
