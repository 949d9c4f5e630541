"""``EntityId``: the name and key of a durable entity, written ``@name@key`` as Azure does."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntityId:
    """An entity: ``name`` is the entity function's name, ``key`` picks one instance of it."""

    name: str
    key: str

    def __str__(self) -> str:
        return f"@{self.name.lower()}@{self.key}"

    @classmethod
    def parse(cls, text: str) -> EntityId:
        """``@name@key`` back into an ``EntityId``."""
        if not text.startswith("@") or text.count("@") < 2:
            raise ValueError(f"{text!r} is not an entity id; write it @name@key")
        name, _, key = text[1:].partition("@")
        return cls(name, key)
