"""Firestore documents as a mapping seen through one transaction: the registry
(:mod:`.callbacks`) and the entities (:mod:`.entities`) read and write their documents this
way, so their logic is plain mapping code (tested with a dict) and atomic when deployed."""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any, TypeVar

T = TypeVar("T")
Step = Callable[[MutableMapping[str, dict[str, Any]]], T]


class Entries(MutableMapping[str, dict[str, Any]]):
    """The documents of one collection seen through one Firestore transaction."""

    def __init__(self, collection: Any, transaction: Any) -> None:
        self.collection, self.transaction = collection, transaction

    def _doc(self, key: str) -> Any:
        return self.collection.document(key.replace("/", "_"))

    def __getitem__(self, key: str) -> dict[str, Any]:
        snapshot = self._doc(key).get(transaction=self.transaction)
        if not snapshot.exists:
            raise KeyError(key)
        return dict(snapshot.to_dict())

    def __setitem__(self, key: str, value: dict[str, Any]) -> None:
        self.transaction.set(self._doc(key), value)

    def __delitem__(self, key: str) -> None:
        self.transaction.delete(self._doc(key))

    def __iter__(self) -> Iterator[str]:
        raise NotImplementedError("documents are read by key only")

    def __len__(self) -> int:
        raise NotImplementedError("documents are read by key only")


def transaction(client: Any, collection: str, step: Step[T]) -> T:
    """Run ``step`` on ``collection`` in one Firestore transaction (retried on contention, so
    ``step`` must have no other effect)."""
    import google.cloud.firestore as firestore

    @firestore.transactional  # type: ignore[untyped-decorator, unused-ignore]
    def run(txn: Any) -> Any:
        return step(Entries(client.collection(collection), txn))

    result: T = run(client.transaction())
    return result


def client(database: str) -> Any:
    import google.cloud.firestore as firestore

    return firestore.Client(database=database)
