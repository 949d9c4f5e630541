"""The frozen pydantic base every model record shares."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Immutable, strict about unknown keys; change a record with ``model_copy(update=...)``."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
