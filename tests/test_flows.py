"""Both state machines, the plan's (steps 1-3) and the monitoring's (steps 4-8), are
complete: one set of checks over the shape they share (TRANSITIONS, INITIAL, FINAL, STEPS,
step_of, transitions_for)."""

from __future__ import annotations

from enum import StrEnum
from types import ModuleType

import pytest

from dumas import i18n
from dumas.domain import monitoring_flow
from dumas.domain import plan_flow as workflow

FLOWS = [pytest.param(workflow, id="plan"), pytest.param(monitoring_flow, id="monitoring")]
# Catalogue prefixes by flow: its states, its action buttons, its history events, its steps.
LABELS = {
    workflow: ("plan_state", "plan_act", "plan_event", "step"),
    monitoring_flow: ("monitoring_state", "m_act", "m_event", "m_step"),
}


def states(flow: ModuleType) -> type[StrEnum]:
    return type(flow.INITIAL)


def actions(flow: ModuleType) -> type[StrEnum]:
    return type(flow.TRANSITIONS[0].action)


def reachable(flow: ModuleType) -> set:
    """Every state some path of the table leads to from the flow's first state."""
    seen, frontier = {flow.INITIAL}, [flow.INITIAL]
    while frontier:
        state = frontier.pop()
        for transition in flow.TRANSITIONS:
            if transition.state is state and transition.next_state not in seen:
                seen.add(transition.next_state)
                frontier.append(transition.next_state)
    return seen


@pytest.mark.parametrize("flow", FLOWS)
def test_every_state_is_reachable_from_the_first(flow):
    assert reachable(flow) == set(states(flow))


@pytest.mark.parametrize("flow", FLOWS)
def test_every_state_that_is_not_final_has_a_way_out_and_final_states_have_none(flow):
    for state in states(flow):
        leaving = [t for t in flow.TRANSITIONS if t.state is state]
        assert bool(leaving) == (state not in flow.FINAL), state


@pytest.mark.parametrize("flow", FLOWS)
def test_the_first_state_is_not_final_and_some_final_state_exists(flow):
    assert flow.INITIAL not in flow.FINAL
    assert flow.FINAL and set(states(flow)) >= flow.FINAL


@pytest.mark.parametrize("flow", FLOWS)
def test_every_action_is_a_move_of_the_table(flow):
    assert {t.action for t in flow.TRANSITIONS} == set(actions(flow))


@pytest.mark.parametrize("flow", FLOWS)
def test_every_open_state_belongs_to_exactly_one_sop_step(flow):
    for state in set(states(flow)) - flow.FINAL:
        assert sum(state in step.states for step in flow.STEPS) == 1, state
        assert state in flow.step_of(state).states
    assert all(flow.step_of(state) is None for state in flow.FINAL)


@pytest.mark.parametrize("flow", FLOWS)
def test_the_steps_have_distinct_keys_in_sop_order(flow):
    keys = [step.key for step in flow.STEPS]
    assert len(keys) == len(set(keys))
    numbers = [step.sop_step for step in flow.STEPS]
    assert numbers == sorted(numbers)


@pytest.mark.parametrize("flow", FLOWS)
def test_transitions_for_finds_exactly_the_rows_of_the_table(flow):
    found = [
        row
        for state in states(flow)
        for action in actions(flow)
        for row in flow.transitions_for(state, action)
    ]
    assert sorted(map(repr, found)) == sorted(map(repr, flow.TRANSITIONS))


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize("flow", FLOWS)
def test_every_state_action_and_step_has_a_label(flow, lang):
    state_key, action_key, event_key, step_key = LABELS[flow]
    for state in states(flow):
        assert i18n.t(f"{state_key}.{state.value}", lang)
    for action in actions(flow):
        assert i18n.t(f"{action_key}.{action.value}", lang)
        assert i18n.t(f"{event_key}.{action.value}", lang)
    for step in flow.STEPS:
        assert i18n.t(f"{step_key}.{step.key}", lang)
