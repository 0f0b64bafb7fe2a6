"""Run every benchmark module at demo scales 1 and 30, on SQLite and on PostgreSQL where it answers."""

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCALES = [int(s) for s in os.environ.get("BENCH_SCALES", "1,30").split(",")]
PG_URL = "postgres://postgres@127.0.0.1:5432/systemkarta_bench"


def postgres_answers() -> bool:
    try:
        import psycopg

        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
        return True
    except Exception:
        return False


def main() -> int:
    wanted = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    databases = [("sqlite", f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}")] if "sqlite" in wanted else []
    if "postgresql" in wanted:
        if postgres_answers():
            databases.append(("postgresql", PG_URL))
        else:
            print("PostgreSQL does not answer on 127.0.0.1:5432: SQLite only")
    rows = []
    for label, url in databases:
        for scale in SCALES:
            env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
            started = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "bench.run_one", str(scale)],
                cwd=ROOT, env=env, capture_output=True, text=True,
            )
            if proc.returncode != 0:
                print(proc.stdout[-4000:], proc.stderr[-4000:], file=sys.stderr)
                return proc.returncode
            for line in proc.stdout.splitlines():
                if line.startswith("{"):
                    rows.append({"database": label, "scale": scale, **json.loads(line)})
            print(f"[{label} scale {scale}] done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    width = max((len(r["area"]) + len(r["metric"]) for r in rows), default=20) + 3
    print(f"{'database':<11} {'scale':>5}  {'area / metric':<{width}} {'value':>14}  unit   note")
    for r in rows:
        name = f"{r['area']} / {r['metric']}"
        value = f"{r['value']:>14.4g}"
        print(f"{r['database']:<11} {r['scale']:>5}  {name:<{width}} {value}  {r['unit']:<6} {r['note']}")
    result = {
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "taken": time.strftime("%Y-%m-%d %H:%M"),
        "rows": rows,
    }
    (ROOT / "bench" / "results.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
