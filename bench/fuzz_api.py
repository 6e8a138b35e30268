"""Schemathesis against the API for as long as it takes to try ``--cases`` requests.

Every operation of the OpenAPI schema, as anonymous, verified-anonymous, known and admin
requesters, with valid and invalid data, on a throwaway cluster holding the bundled sample (see
tests/hardening/api_fuzz.py for what is checked). Prints the cases tried per operation and role,
every distinct failure with a curl command that reproduces it, and the time taken; exits 1 if
anything failed.

    .venv/bin/python -m bench.fuzz_api --cases 5000 [--seed 1] [--only airports-]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import tempfile
from pathlib import Path

from schemathesis.python import asgi

from bench._support import cluster, migrated_database
from tests.hardening.api_fuzz import (
    MODES,
    ROLES,
    Fuzzer,
    Peer,
    World,
    fuzz_app,
    fuzz_settings,
    load_sample,
    provision,
    siteverify,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000, help="requests to try in all")
    parser.add_argument("--seed", type=int, default=1, help="Hypothesis' seed")
    parser.add_argument("--only", default="", help="operations whose id contains this")
    args = parser.parse_args()

    with (
        cluster() as server,
        tempfile.TemporaryDirectory(prefix="pirep-fuzz-") as directory,
        siteverify() as verify_url,
    ):
        settings = fuzz_settings(
            migrated_database(server, "pirep_fuzz"), Path(directory), verify_url
        )
        print("Loading the sample…", flush=True)
        asyncio.run(load_sample(settings))
        roles, readable, writable = asyncio.run(provision(settings))
        fuzzer = Fuzzer(World(Peer(fuzz_app(settings)), roles, readable, writable))
        operations = [o for o in fuzzer.operation_ids() if args.only in o]
        # Operations without parameters or body answer one case per role: the rest share the
        # budget.
        varied = [o for o in fuzzer.operation_ids(with_inputs=True) if args.only in o]
        fixed = (len(operations) - len(varied)) * len(ROLES)
        combinations = max(1, len(varied) * len(ROLES) * len(MODES))
        examples = max(1, math.ceil((args.cases - fixed) / combinations))
        print(
            f"{len(operations)} operations × {len(ROLES)} roles × {len(MODES)} modes, "
            f"{examples} examples each",
            flush=True,
        )

        def progress(operation: str, role: str, mode: str, tried: int) -> None:
            print(f"  {operation:32} {role:10} {mode:9} {tried:5} cases", flush=True)

        report = fuzzer.run(
            examples, seed=args.seed, only=lambda o: args.only in o, progress=progress
        )
        asgi.shutdown_lifespans()

    print("\nCases per operation (anonymous / verified / known / admin):")
    for operation in operations:
        counts = " / ".join(str(report.cases[(operation, role)]) for role in ROLES)
        print(f"  {operation:32} {counts}")
    if report.skipped:
        print("\nNot generated:")
        for name, reason in report.skipped.items():
            print(f"  {name}: {reason}")
    print()
    print(report.summary())
    sys.exit(1 if report.found else 0)


if __name__ == "__main__":
    main()
