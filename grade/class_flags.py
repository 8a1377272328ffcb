"""Every row's flags: its own (made when its hand-in was judged) and the class-wide ones, made here
over all rows at once (a shared cluster identity needs every report of the class, or of the merge)."""
from __future__ import annotations

from grade.crosscheck import Flag, shared_identity_flags
from grade.records import Record


def all_flags(records: list[Record]) -> dict[str, list[Flag]]:
    shared = shared_identity_flags({r.student: r.submitted_data for r in records if r.submitted_data})
    return {r.student: sorted(set(r.flags) | set(shared.get(r.student, []))) for r in records}
