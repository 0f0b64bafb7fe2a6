"""One benchmark run: a fresh database at one demo scale, every bench module against it."""

import importlib
import json
import pkgutil
import sys
from pathlib import Path


def fresh_database() -> None:
    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        path = Path(db["NAME"])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{db["NAME"]}"')
            # As README "Production" recommends for SSD storage (PostgreSQL's default assumes disks).
            admin.execute(f'ALTER DATABASE "{db["NAME"]}" SET random_page_cost = 1.1')
    connection.close()


def main(scale: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    fresh_database()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", scale=scale, seed=1, verbosity=0)
    import os

    import bench

    # BENCH_MODULES=bench_analysis,bench_gdpr narrows a run to some modules (all by default).
    wanted = {name for name in os.environ.get("BENCH_MODULES", "").split(",") if name}
    for module_info in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        if not module_info.name.startswith("bench_") or (wanted and module_info.name not in wanted):
            continue
        module = importlib.import_module(f"bench.{module_info.name}")
        for measurement in module.run(scale):
            print(json.dumps(bench.asdict(measurement), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
