"""Peak memory of the server while it takes (and refuses) huge uploads. Bar: < 500 MB each.

Generates three files under --dir (kept between runs; --fresh rebuilds them):
  library.mp4   1.2 GB  (an MP4 box, then zeros)  → POST /api/v1/library/resources
  students.xlsx 1,048,576 rows (header + 1,048,575 pupils, 9 columns) → POST /api/v1/ingest/runs
  students.csv  1 GB of pupils (≈ 7.5 M rows)                        → POST /api/v1/ingest/runs
then serves a fresh SQLite database (the test city of edudx.core.testing, a school admin's API
token) with gunicorn configured as ./run configures it (2 workers × 4 threads, timeout 120)
plus the background worker (`edudx db_worker`), posts each file over loopback with a streamed
body (http.client; the client never holds a file), waits for the background check of the
imports, and prints each process's peak RSS (VmHWM, reset before each case through
/proc/PID/clear_refs) and the load average.

usage: .venv/bin/python bench/upload_memory.py [--port 18600] [--dir /tmp/h6/bench] [--fresh]
                                               [--only library,xlsx,csv] [--keep]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAR_MB = 500
MB = 1024 * 1024
STUDENT_HEADERS = (
    "Mã trường", "Lớp", "Năm học", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính",
    "Số định danh cá nhân", "Dân tộc",
)  # fmt: skip
_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng")
_MIDDLE = ("Văn", "Thị", "Minh", "Ngọc", "Gia", "Bảo", "Thanh", "Hoài")
_GIVEN = ("An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Khánh", "Linh", "Nam", "Phúc", "Quân", "Trang")


def _pupil(rng: random.Random, i: int) -> tuple[str, ...]:
    year = 2010 + i % 9
    return (
        f"TH{i % 4000:04d}",
        f"{1 + i % 5}A{1 + i % 9}",
        "2025-2026",
        f"HS{i:09d}",
        f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}",
        f"{1 + i % 28:02d}/{1 + i % 12:02d}/{year}",
        "Nam" if i % 2 else "Nữ",
        f"079{(2 if i % 2 else 3)}{year % 100:02d}{i % 1_000_000:06d}",
        "Kinh",
    )


def make_library(path: Path, size: int) -> None:
    with path.open("wb") as fh:
        fh.write(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
        fh.truncate(size)  # the rest reads as zeros (sparse: quick to make, quick to send)


def make_csv(path: Path, size: int) -> int:
    rng = random.Random(12)  # noqa: S311 - synthetic data
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(STUDENT_HEADERS) + "\n")
        written = 0
        while written < size:
            block = "".join(",".join(_pupil(rng, rows + k)) + "\n" for k in range(10_000))
            fh.write(block)
            written += len(block.encode())
            rows += 10_000
    return rows


def _col(i: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i]


def make_xlsx(path: Path, rows: int) -> None:
    """A plain workbook as Excel writes it (inline strings, one sheet), streamed into the zip."""
    from xml.sax.saxutils import escape

    rng = random.Random(13)  # noqa: S311 - synthetic data
    ct = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    wb = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Hoc sinh" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", ct)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("xl/workbook.xml", wb)
        zf.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            n = len(STUDENT_HEADERS)
            fh.write(
                (
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    f'<dimension ref="A1:{_col(n - 1)}{rows}"/><sheetData>'
                ).encode()
            )

            def row(r: int, values: tuple[str, ...]) -> str:
                cells = "".join(
                    f'<c r="{_col(i)}{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                    for i, v in enumerate(values)
                )
                return f'<row r="{r}">{cells}</row>'

            fh.write(row(1, STUDENT_HEADERS).encode())
            for start in range(2, rows + 1, 10_000):
                block = "".join(row(r, _pupil(rng, r)) for r in range(start, min(start + 10_000, rows + 1)))
                fh.write(block.encode())
            fh.write(b"</sheetData></worksheet>")


# ----- the server
def _env(var: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        EDUDX_VAR_DIR=str(var),
        DATABASE_URL=f"sqlite:///{var / 'bench.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        EDUDX_PORT=str(port),
        TMPDIR=str(var / "tmp"),
    )
    return env


def _setup(env: dict[str, str]) -> str:
    """Migrate a fresh database, build the test city, return a school admin's API token."""
    edudx = str(ROOT / ".venv/bin/edudx")
    subprocess.run([edudx, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    code = (
        "import django; django.setup()\n"
        "from edudx.core.testing.city import build_city\n"
        "from edudx.core.roles import Role\n"
        "from edudx.accounts import services\n"
        "city = build_city()\n"
        "user = city.users[Role.SCHOOL_ADMIN]\n"
        "_, key = services.token_create(actor=city.actor_of(Role.SCHOOL_ADMIN), user=user, name='bench')\n"
        "print(key, city.schools[0].pk)\n"
    )
    out = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", code],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return out.stdout.split()[-2:]


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def _status(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _reset_peak(pid: int) -> None:
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as fh:
            fh.write("5")  # resets VmHWM to the current RSS
    except OSError:
        pass


def _wait_port(port: int, proc: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited while starting")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/accounts/login/")
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


def _post_file(port: int, path: str, token: str, fields: dict[str, str], file: Path, name: str):
    """A multipart POST whose file part is sent from disk in 1 MiB blocks."""
    boundary = uuid.uuid4().hex
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = len(head) + file.stat().st_size + len(tail)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.putrequest("POST", path)
    conn.putheader("Authorization", f"Bearer {token}")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(size))
    conn.endheaders()
    sent_all = True
    try:
        conn.send(head)
        with file.open("rb") as fh:
            for block in iter(lambda: fh.read(MB), b""):
                conn.send(block)
        conn.send(tail)
    except (BrokenPipeError, ConnectionResetError):
        sent_all = False
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body, sent_all


def _get(port: int, path: str, token: str):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, json.loads(body or b"null")


class Server:
    def __init__(self, var: Path, port: int, env: dict[str, str]):
        self.worker = subprocess.Popen(  # noqa: S603
            [str(ROOT / ".venv/bin/edudx"), "db_worker", "--queue-name", "*"],
            env=env,
            cwd=ROOT,
            stdout=(var / "worker.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        self.web = subprocess.Popen(  # noqa: S603
            [
                str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                "--workers", "2", "--threads", "4", "--timeout", "120", "--log-level", "warning",
            ],
            env=env,
            cwd=ROOT,
            stdout=(var / "web.log").open("w"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_port(port, self.web)
        except BaseException:
            self.stop()
            raise

    def processes(self) -> dict[str, int]:
        out = {"gunicorn master": self.web.pid}
        for n, pid in enumerate(_children(self.web.pid), 1):
            out[f"web worker {n}"] = pid
        out["db_worker"] = self.worker.pid
        return out

    def reset(self) -> None:
        for pid in self.processes().values():
            _reset_peak(pid)

    def peaks(self) -> dict[str, int]:
        return {name: _status(pid, "VmHWM") for name, pid in self.processes().items()}

    def stop(self) -> None:
        for p in (self.web, self.worker):
            p.send_signal(signal.SIGTERM)
        for p in (self.web, self.worker):
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def _wait_run(port: int, token: str, run_id: int, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    run: dict = {}
    while time.monotonic() < deadline:
        _, run = _get(port, f"/api/v1/ingest/runs/{run_id}", token)
        if run.get("state") not in ("received", "checking"):
            break
        time.sleep(1)
    return run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=18600)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/h6/bench"))
    ap.add_argument("--fresh", action="store_true", help="regenerate the files")
    ap.add_argument("--only", default="library,xlsx,csv")
    ap.add_argument("--library-mb", type=int, default=1200)
    ap.add_argument("--csv-mb", type=int, default=1000)
    ap.add_argument("--xlsx-rows", type=int, default=1_048_576)
    ap.add_argument("--wait", type=float, default=900, help="seconds to wait for a background check")
    ap.add_argument(
        "--keep", action="store_true", help="keep the server's directory (database, stored uploads, logs)"
    )
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    cases = args.only.split(",")
    files = {
        "library": args.dir / "library.mp4",
        "xlsx": args.dir / "students.xlsx",
        "csv": args.dir / "students.csv",
    }
    for case in cases:
        f = files[case]
        if f.exists() and not args.fresh:
            continue
        t = time.perf_counter()
        if case == "library":
            make_library(f, args.library_mb * 1000 * 1000)
        elif case == "xlsx":
            make_xlsx(f, args.xlsx_rows)
        else:
            make_csv(f, args.csv_mb * 1000 * 1000)
        print(f"made {f} ({f.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - t:.0f} s", flush=True)

    var = Path(tempfile.mkdtemp(prefix="var-", dir=args.dir))
    (var / "tmp").mkdir()
    env = _env(var, args.port)
    token, school_id = _setup(env)
    server = Server(var, args.port, env)
    results = []
    try:
        time.sleep(2)
        for case in cases:
            f = files[case]
            server.reset()
            started = time.perf_counter()
            if case == "library":
                fields = {
                    "title": "Phim bài giảng",
                    "subject": "tieng_viet",
                    "school_id": school_id,
                    "grades": "5",
                    "licence": "CC-BY-4.0",
                }
                status, body, sent_all = _post_file(
                    args.port, "/api/v1/library/resources", token, fields, f, "bai-giang.mp4"
                )
                outcome = _answer(status, body)
            else:
                fields = {"kind": "students", "mode": "strict"}
                status, body, sent_all = _post_file(
                    args.port, "/api/v1/ingest/runs", token, fields, f, f.name
                )
                outcome = _answer(status, body)
                if status == 201:
                    run = _wait_run(args.port, token, json.loads(body)["id"], args.wait)
                    _, preview = _get(args.port, f"/api/v1/ingest/runs/{run['id']}/preview?limit=3", token)
                    first = (preview or {}).get("problems") or [{}]
                    outcome = (
                        f"run {run['id']} {run.get('state')}: rows {run.get('rows_total'):,}, "
                        f"errors {run.get('errors'):,}; first problem {first[0].get('code')}: "
                        f"{first[0].get('message')}"
                    )
            seconds = time.perf_counter() - started
            peaks = server.peaks()
            worst = max(v for k, v in peaks.items() if k != "gunicorn master")
            results.append((case, f.stat().st_size, seconds, peaks, worst, outcome, sent_all))
            print(f"\n== {case}: {f.name} ({f.stat().st_size / 1e6:,.0f} MB), {seconds:.1f} s", flush=True)
            print(f"   answer: HTTP {status}, body sent {'whole' if sent_all else 'in part'}: {outcome}")
            for name, value in peaks.items():
                print(f"   peak RSS {name}: {value / MB:,.0f} MB")
            print(
                f"   load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
            )
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(var, ignore_errors=True)  # it holds a stored copy of each upload
    print("\nsummary (bar: peak RSS < 500 MB in every web worker and the background worker)")
    for case, size, seconds, _peaks, worst, _outcome, _sent in results:
        verdict = "met" if worst < BAR_MB * MB else "NOT met"
        print(f"  {case:8s} {size / 1e6:7,.0f} MB  {seconds:6.1f} s  worst {worst / MB:5,.0f} MB  {verdict}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def _answer(status: int, body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body[:200].decode("utf-8", "replace")
    if isinstance(data, dict) and "error" in data:
        return f"{data['error']['code']}: {data['error']['message']}"
    return json.dumps(data, ensure_ascii=False)[:200]


if __name__ == "__main__":
    sys.exit(main())
