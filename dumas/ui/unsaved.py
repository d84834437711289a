"""Matrix edits a user has not saved, kept for the whole browser session.

Streamlit drops a grid's edits as soon as a run does not draw the grid (a switch to another
view of the plan, another plan, another page: on a page change before the new page runs).
So every run that draws a grid mirrors its unsaved edits into the session (`mirror`), and
every run that does not draw it turns that mirror into kept edits (`keep_left`), with the
revision they were made on; the next time the grid is drawn they are laid over the plan's
rows (plan_editor), with a notice saying so, and a save sends that revision: a change
someone else made meanwhile is refused, not overwritten.

Keys in st.session_state, per plan id:
  matrix_base_{id}    the rows as the grid first drew them, and the grid's widget key
                      (plan_editor._editing_base)
  <that widget key>   the grid's own state (edited and deleted row positions)
  unsaved_shadow_{id} the mirror of the grid's unsaved edits (a Pending)
  unsaved_{id}        kept edits: {row_id: {column: value}}
  unsaved_deleted_{id}, unsaved_rev_{id}, unsaved_why_{id}  what else was kept, and why
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from dumas.services import plan_rows

# Why edits are kept: a save refused because the plan changed, or the grid left unsaved.
REFUSED, LEFT = "refused", "left"
_KEPT = ("unsaved_", "unsaved_deleted_", "unsaved_rev_", "unsaved_why_", "unsaved_shadow_")


@dataclasses.dataclass(frozen=True)
class Pending:
    """Matrix edits the grid holds that are not saved, and the revision they were made on."""

    revision: int
    updated: dict[int, dict[str, object]]
    deleted: list[int]


def pending(plan_id: int, revision: int) -> Pending | None:
    """The plan's unsaved edits: those the grid holds since it was drawn, and those kept
    (laid over the rows); None when there are none. `revision`: the plan's, for edits
    made on no other."""
    state = st.session_state
    base = state.get(f"matrix_base_{plan_id}")
    updated = {int(k): dict(v) for k, v in state.get(f"unsaved_{plan_id}", {}).items()}
    deleted = [int(r) for r in state.get(f"unsaved_deleted_{plan_id}", [])]
    if base is not None:
        edits = state.get(base["key"]) or {}
        row_ids = base["row_ids"]
        for position, values in edits.get("edited_rows", {}).items():
            changed = {k: v for k, v in values.items() if k in plan_rows.EDITABLE}
            if changed:
                updated.setdefault(row_ids[int(position)], {}).update(changed)
        deleted += [row_ids[int(p)] for p in edits.get("deleted_rows", [])]
    if not (updated or deleted):
        return None
    if base is not None:
        revision = base["revision"]
    return Pending(state.get(f"unsaved_rev_{plan_id}", revision), updated, deleted)


def kept(plan_id: int) -> tuple[dict[int, dict[str, object]], list[int], str | None]:
    """The edits kept for the plan (updated rows, deleted rows) and why they were kept."""
    state = st.session_state
    return (
        state.get(f"unsaved_{plan_id}", {}),
        state.get(f"unsaved_deleted_{plan_id}", []),
        state.get(f"unsaved_why_{plan_id}"),
    )


def keep(plan_id: int, edits: Pending, why: str) -> None:
    """Keep the edits apart from the grid; the grid is drawn afresh with them laid over.
    Edits kept after a refused save are laid over the latest version (the user checks them
    and saves again); edits of a grid left unsaved keep the revision they were made on."""
    state = st.session_state
    state[f"unsaved_{plan_id}"] = edits.updated
    state[f"unsaved_deleted_{plan_id}"] = edits.deleted
    state[f"unsaved_why_{plan_id}"] = why
    if why == LEFT:
        state[f"unsaved_rev_{plan_id}"] = edits.revision
    else:
        state.pop(f"unsaved_rev_{plan_id}", None)
    state.pop(f"unsaved_shadow_{plan_id}", None)
    state.pop(f"matrix_base_{plan_id}", None)


def forget(plan_id: int) -> None:
    """After a save (or a step that saved them): the next run edits the latest version."""
    for prefix in (*_KEPT, "matrix_base_"):
        st.session_state.pop(f"{prefix}{plan_id}", None)


def mirror(plan_id: int, edits: Pending | None) -> None:
    """After the grid is drawn: its unsaved edits (or none), as they stand now."""
    if edits is None:
        st.session_state.pop(f"unsaved_shadow_{plan_id}", None)
    else:
        st.session_state[f"unsaved_shadow_{plan_id}"] = edits


def keep_left(drawn: int | None = None) -> list[int]:
    """Keep the unsaved edits of every grid this run does not draw (`drawn`: the plan whose
    grid it draws, if any); the plans whose edits were kept now."""
    state = st.session_state
    left = []
    for key in [str(k) for k in list(state) if str(k).startswith("unsaved_shadow_")]:
        plan_id = int(key.removeprefix("unsaved_shadow_"))
        if plan_id != drawn:
            keep(plan_id, state[key], LEFT)
            left.append(plan_id)
    for key in [str(k) for k in list(state) if str(k).startswith("matrix_base_")]:
        if int(key.removeprefix("matrix_base_")) != drawn:
            state.pop(key, None)  # no edits: the grid is drawn afresh next time
    return left
