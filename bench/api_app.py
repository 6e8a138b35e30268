"""The API as `pirep serve` runs it, plus a bare endpoint returning a constant (the baseline)."""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app


def create_bench_app() -> FastAPI:
    app = create_app()

    @app.get("/bench/bare", tags=["bench"])
    async def bare() -> dict[str, bool]:
        return {"ok": True}

    return app
