"""A model-based test any mailstore can run: two mailboxes driven by random operations.

See :func:`mailbox_machine`; :mod:`tests.mailstore.conformance` has the rule-by-rule suite.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from pymailproto.mailstore import FlagMode, Mailstore

__all__ = ["mailbox_machine"]


# --- a model-based test ---------------------------------------------------------------------

_FLAGS = st.frozensets(st.sampled_from(["\\Seen", "\\Deleted", "\\flagged", "$Work", "$WORK"]))
_UIDS = st.lists(st.integers(1, 12), max_size=6)
_BOXES = st.sampled_from(["INBOX", "Other"])


def mailbox_machine(make_store: Callable[[], Mailstore]) -> type[RuleBasedStateMachine]:
    """A state machine checking two mailboxes against a model through random operations.

    The model is, per mailbox, UID -> (bytes, folded flags) and the next UID. After every
    step the snapshot must match it; UIDs ascend; modseq grows exactly when something changed.
    """

    class MailboxModel(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            account = make_store().account("model")
            account.create("Other")
            self.boxes = {name: account.mailbox(name) for name in ("INBOX", "Other")}
            self.model: dict[str, dict[int, tuple[bytes, frozenset[str]]]] = {
                "INBOX": {},
                "Other": {},
            }
            self.uidnext = {"INBOX": 1, "Other": 1}
            self.modseq = {name: box.highestmodseq for name, box in self.boxes.items()}

        def _changed(self, name: str, changed: bool) -> None:
            now = self.boxes[name].highestmodseq
            assert now > self.modseq[name] if changed else now == self.modseq[name]
            self.modseq[name] = now

        def _add(self, name: str, data: bytes, flags: frozenset[str]) -> int:
            uid = self.uidnext[name]
            self.uidnext[name] += 1
            self.model[name][uid] = (data, flags)
            return uid

        @rule(name=_BOXES, data=st.binary(max_size=30), flags=_FLAGS)
        def append(self, name: str, data: bytes, flags: frozenset[str]) -> None:
            uid = self.boxes[name].append(data, flags)
            assert uid == self._add(name, data, frozenset(f.lower() for f in flags))
            self._changed(name, True)

        @rule(
            name=_BOXES,
            uids=_UIDS,
            mode=st.sampled_from(["add", "remove", "replace"]),
            flags=_FLAGS,
        )
        def store(self, name: str, uids: list[int], mode: FlagMode, flags: frozenset[str]) -> None:
            result = self.boxes[name].store_flags(uids, mode, flags)
            wanted = frozenset(flag.lower() for flag in flags)
            changed = set()
            for uid in set(uids) & set(self.model[name]):
                data, old = self.model[name][uid]
                new = {"add": old | wanted, "remove": old - wanted, "replace": wanted}[mode]
                if new != old:
                    changed.add(uid)
                self.model[name][uid] = (data, new)
            assert {info.uid for info in result.changed} == changed
            self._changed(name, bool(changed))

        @rule(name=_BOXES, uids=st.none() | _UIDS)
        def expunge(self, name: str, uids: list[int] | None) -> None:
            before = self.modseq[name]
            removed = [
                uid
                for uid, (_, flags) in sorted(self.model[name].items())
                if "\\deleted" in flags and (uids is None or uid in uids)
            ]
            assert self.boxes[name].expunge(uids) == removed
            for uid in removed:
                del self.model[name][uid]
            self._changed(name, bool(removed))
            assert self.boxes[name].vanished_since(before) == removed

        @rule(source=_BOXES, dest=_BOXES, uids=_UIDS, move=st.booleans())
        def transfer(self, source: str, dest: str, uids: list[int], move: bool) -> None:
            operation = self.boxes[source].move if move else self.boxes[source].copy
            pairs = operation(uids, self.boxes[dest])
            picked = sorted(set(uids) & set(self.model[source]))
            expected = [(uid, self._add(dest, *self.model[source][uid])) for uid in picked]
            assert pairs == expected
            if move:
                for uid in picked:
                    del self.model[source][uid]
            self._changed(dest, bool(picked))
            if source != dest:
                self._changed(source, move and bool(picked))

        @invariant()
        def matches_the_model(self) -> None:
            for name, box in self.boxes.items():
                snapshot = box.snapshot()
                assert snapshot.uids == tuple(sorted(self.model[name]))
                assert snapshot.uidnext == self.uidnext[name]
                assert snapshot.highestmodseq == self.modseq[name]
                for info in snapshot.messages:
                    data, flags = self.model[name][info.uid]
                    assert {flag.lower() for flag in info.flags} == flags
                    assert (info.size, box.read(info.uid)) == (len(data), data)
                    assert info.modseq <= snapshot.highestmodseq

    return MailboxModel
