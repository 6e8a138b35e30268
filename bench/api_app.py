"""The API as `pirep serve` runs it, plus a bare endpoint returning a constant (the baseline)."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import FastAPI
from pydantic import BaseModel

from api.app import create_app
from api.core import policy
from api.dependencies import RequesterDep, SessionDep


class Text(BaseModel):
    text: str


def create_bench_app() -> FastAPI:
    app = create_app()

    @app.get("/bench/bare", tags=["bench"])
    async def bare() -> dict[str, bool]:
        return {"ok": True}

    @app.patch("/bench/update/{code}", tags=["bench"])
    async def plain_update(
        code: str, data: Text, session: SessionDep, requester: RequesterDep
    ) -> dict[str, bool]:
        """The floor of an edit: one UPDATE of one row through the same stack."""
        policy.anyone("bench.update")
        await session.execute(
            sa.text("UPDATE airports SET wifi = :text WHERE code = :code"),
            {"text": data.text, "code": code},
        )
        return {"ok": True}

    return app
