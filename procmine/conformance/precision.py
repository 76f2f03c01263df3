"""ETC precision (pm4py's token-based ETConformance), computed once per distinct prefix of the variants.

pm4py replays every prefix of the log as a trace of its own. Here the variants
form a prefix tree weighted by cases; each tree node is replayed once, one
step on from its parent's marking, with the same firing rule as pm4py's token
replay (fire an enabled transition with the label, else walk through silent
transitions towards pm4py's transition for that label, else the prefix does not
fit; an activity the model lacks is skipped). The sums of activated and escaping
transitions are combined exactly as pm4py does, so the result equals
`pm4py.precision_token_based_replay` (which, unlike this, would split an
activity name that contains a comma, as it keys prefixes by comma-joined names).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

_MAX_HIDDEN_PATH = 50   # pm4py's token replay: TechnicalParameters.MAX_REC_DEPTH


@dataclass
class _PrefixNode:
    """A prefix of some variants: its cases that go on, and the prefixes one activity longer."""

    continuing_cases: int = 0
    children: dict[str, _PrefixNode] = field(default_factory=dict)


def prefix_tree(sequences: Iterable[Sequence[str]], weights: Iterable[int]) -> _PrefixNode:
    """The prefix tree of the variants; a node counts the cases that have an event after the prefix."""
    root = _PrefixNode()
    for sequence, weight in zip(sequences, weights):
        node = root
        for activity in sequence:
            node.continuing_cases += int(weight)
            node = node.children.setdefault(activity, _PrefixNode())
    return root


class _Replayer:
    """pm4py's token-replay firing rule, one activity at a time, with enabled labels cached per marking."""

    def __init__(self, net: Any):
        from pm4py.objects.petri_net.utils.petri_utils import get_places_shortest_path_by_hidden

        self.net = net
        # as pm4py's trans_map: of several transitions with one label, the last by name
        self.transition_of_label = {t.label: t for t in sorted(net.transitions, key=lambda t: t.name)}
        self.hidden_paths = get_places_shortest_path_by_hidden(net, _MAX_HIDDEN_PATH)
        self._enabled_labels: dict[Any, frozenset[str]] = {}
        self._steps: dict[tuple[Any, str], Any] = {}
        self._ordered = sorted(net.transitions, key=lambda t: (str(t.name), id(t)))
        self._inputs = {id(t): [(arc.source, arc.weight) for arc in t.in_arcs] for t in net.transitions}

    def step(self, marking, activity: str):
        """The marking after `activity`, or None when the prefix stops fitting there."""
        key = (frozenset(marking.items()), activity)
        if key not in self._steps:   # prefixes reach few distinct markings: replay each step once
            self._steps[key] = self._fire(marking, activity)
        return self._steps[key]

    def _fire(self, marking, activity: str):
        from pm4py.algo.conformance.tokenreplay.variants.token_replay import apply_hidden_trans
        from pm4py.objects.petri_net import semantics

        if activity not in self.transition_of_label:   # pm4py skips activities the model lacks
            return marking
        enabled = [t for t in semantics.enabled_transitions(self.net, marking) if t.label == activity]
        transition = enabled[0] if enabled else self.transition_of_label[activity]
        if not semantics.is_enabled(transition, self.net, marking):
            marking = apply_hidden_trans(transition, self.net, copy(marking), self.hidden_paths,
                                         [], 0, set(), [], False)[1]
            if not semantics.is_enabled(transition, self.net, marking):
                return None
        return semantics.execute(transition, self.net, marking)

    def enabled_labels(self, marking) -> frozenset[str]:
        """Visible labels enabled in `marking`, also through silent transitions."""
        key = frozenset(marking.items())
        if key not in self._enabled_labels:
            self._enabled_labels[key] = frozenset(t.label for t in self._eventually_enabled(marking))
        return self._enabled_labels[key]

    def _eventually_enabled(self, marking) -> set:
        """pm4py's get_visible_transitions_eventually_enabled_by_marking, step for step.

        The same queue, the same quirk (a silent transition queued twice is explored from
        the marking it was queued with last) and the same visited key (transition and
        marking as pm4py prints them), with cheaper enabling checks than pm4py's.
        """
        from pm4py.objects.petri_net import semantics

        queue = self._enabled(marking)
        marking_of = {id(t): marking for t in queue}
        printed = {id(marking): _printed(marking)}
        visible, visited = set(), set()
        for transition in queue:   # the queue grows while it is walked
            current = marking_of[id(transition)]
            seen = (transition.name, transition.label, printed[id(current)])
            if seen in visited:
                continue
            if transition.label is not None:
                visible.add(transition)
            elif self._is_enabled(transition, current):
                after = semantics.execute(transition, self.net, current)
                printed[id(after)] = _printed(after)
                for other in self._enabled(after):
                    queue.append(other)
                    marking_of[id(other)] = after
            visited.add(seen)
        return visible

    def _enabled(self, marking) -> list:
        """Enabled transitions in pm4py's order (name, then id)."""
        return [t for t in self._ordered if self._is_enabled(t, marking)]

    def _is_enabled(self, transition, marking) -> bool:
        return all(marking.get(place, 0) >= weight for place, weight in self._inputs[id(transition)])


def _printed(marking) -> tuple:
    """A marking as pm4py's repr shows it: (place name, tokens), sorted by name."""
    return tuple((str(p.name), str(marking[p])) for p in sorted(marking.keys(), key=lambda p: p.name))


def etc_precision(sequences: Sequence[Sequence[str]], weights: Sequence[int] | np.ndarray, net: Any,
                  initial_marking: Any) -> float:
    """ETC precision of variants (with their case counts) against an accepting Petri net, 0..1."""
    replayer = _Replayer(net)
    total_cases = int(sum(int(w) for w in weights))
    starts = {sequence[0] for sequence, weight in zip(sequences, weights) if sequence and weight > 0}
    initial = replayer.enabled_labels(initial_marking)
    activated = total_cases * len(initial)
    escaping = total_cases * len(initial - starts)
    stack = [(child, replayer.step(initial_marking, activity))
             for activity, child in prefix_tree(sequences, weights).children.items()]
    while stack:
        node, marking = stack.pop()
        if marking is None or node.continuing_cases == 0:
            continue   # an unfitting prefix (and every longer one) counts for nothing, as in pm4py
        enabled = replayer.enabled_labels(marking)
        activated += len(enabled) * node.continuing_cases
        escaping += len(enabled - node.children.keys()) * node.continuing_cases
        stack.extend((child, replayer.step(marking, activity)) for activity, child in node.children.items())
    return 1.0 - escaping / activated if activated > 0 else 1.0

