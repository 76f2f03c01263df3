"""The process tree the miner builds, and its conversion to pm4py's ProcessTree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Operator = Literal["xor", "sequence", "parallel", "loop"]
_PM4PY_OPERATORS = {"xor": "XOR", "sequence": "SEQUENCE", "parallel": "PARALLEL", "loop": "LOOP"}


@dataclass
class Node:
    """An operator with children, an activity leaf (label) or a silent step (neither)."""

    operator: Operator | None = None
    label: int | None = None
    children: list[Node] = field(default_factory=list)



def leaf(code: int) -> Node:
    return Node(label=code)


def to_pm4py(node: Node, names: Sequence[str]) -> Any:
    """The tree as pm4py's ProcessTree, activity codes named, parents set (not yet folded)."""
    from pm4py.objects.process_tree.obj import Operator as PmOperator
    from pm4py.objects.process_tree.obj import ProcessTree

    def convert(current: Node, parent: Any) -> Any:
        operator = None if current.operator is None else PmOperator[_PM4PY_OPERATORS[current.operator]]
        label = None if current.label is None else names[current.label]
        converted = ProcessTree(operator=operator, parent=parent, label=label)
        converted.children.extend(convert(child, converted) for child in current.children)
        return converted

    return convert(node, None)


def canonical(tree: Any) -> str:
    """A pm4py ProcessTree as text with the children of xor and parallel sorted (sequence, loop kept)."""
    if not tree.children:
        return "tau" if tree.label is None else repr(str(tree.label))
    parts = [canonical(child) for child in tree.children]
    symbol = str(tree.operator)
    if symbol in ("X", "+"):
        parts.sort()
    return f"{symbol}({', '.join(parts)})"
