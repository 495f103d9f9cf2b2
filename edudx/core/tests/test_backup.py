"""core.backup and `edudx backup` / `edudx restore`: the test city with media and warehouse
files goes out and comes back table by table; damaged, foreign and unsafe archives are refused
with nothing changed."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import polars as pl
import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from edudx.core import backup, warehouse
from edudx.core.actor import Actor

SCHEMA = {"id": pl.Int64, "unit_path": pl.String, "value": pl.Float64}
MEDIA = {
    "library/1/v1.pdf": b"%PDF-1.4 " + bytes(range(256)) * 40,
    "monitoring/evidence/2026/12/Biên bản họp.docx": "tài liệu minh chứng".encode(),
    "lrs/attachments/sig.bin": os.urandom(3000),
}


@pytest.fixture
def places(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    settings.SECRET_KEY = "k" * 60
    return tmp_path


def add_media(root: Path) -> None:
    for name, data in MEDIA.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


def add_warehouse(rows: int = 250) -> None:
    facts = [(i, "0000001", float(i)) for i in range(1, rows + 1)]

    def fetch(after, limit):
        picked = [r for r in facts if r[0] > after][:limit]
        return (
            pl.DataFrame(picked, schema=list(SCHEMA), orient="row") if picked else pl.DataFrame(schema=SCHEMA)
        )

    warehouse.register(
        warehouse.Dataset(name="test_backup_facts", schema=SCHEMA, fetch=fetch, latest_id=lambda: rows)
    )
    warehouse.refresh("test_backup_facts", batch_rows=100)  # three parts and a manifest


def warehouse_total() -> tuple:
    con = warehouse.connect("test_backup_facts")
    try:
        return con.execute("SELECT count(*), sum(value) FROM test_backup_facts").fetchone()
    finally:
        con.close()


def table_counts() -> dict[str, int]:
    with connection.cursor() as cur:
        counts = {}
        for table in connection.introspection.table_names():
            cur.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - introspected names
            counts[table] = cur.fetchone()[0]
        return counts


def model_rows() -> dict[str, list[tuple]]:
    """Every row of every model table, in primary-key order (the test city is small)."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        fields = [f.attname for f in model._meta.concrete_fields]
        rows[model._meta.db_table] = list(model._base_manager.order_by("pk").values_list(*fields))
    return rows


def members_of(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def write_archive(path: Path, members: dict[str, bytes], manifest: dict | None = None) -> Path:
    """An archive holding `members` and `manifest` (default: the true one for these members)."""
    if manifest is None:
        manifest = {
            "format": backup.FORMAT,
            "format_version": backup.FORMAT_VERSION,
            "platform_version": backup.platform_version(),
            "schema": backup.code_schema(),
            "database_vendor": connection.vendor,
            "created_at": "2026-12-06T00:00:00+00:00",
            "members": {
                n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for n, d in members.items()
            },
        }
    with tarfile.open(path, "w") as tar:
        for name, data in [*members.items(), (backup.MANIFEST, json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def minimal_members() -> dict[str, bytes]:
    return {backup.DB_MEMBERS[connection.vendor]: b"not a database", backup.SECRET_MEMBER: b"s" * 50}


@pytest.mark.django_db(transaction=True)
def test_round_trip_brings_back_every_table_media_warehouse_and_the_secret_key(places):
    from edudx.core.testing.city import build_city

    city = build_city()
    add_media(places / "var" / "media")
    add_warehouse()
    counts, rows, total = table_counts(), model_rows(), warehouse_total()
    assert counts["registry_student"] == 12 and total == (250, sum(range(1, 251)))

    out = places / "out" / "city.tar"
    call_command("backup", output=out, verbosity=0)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    members = members_of(out)
    manifest = json.loads(members[backup.MANIFEST])
    assert manifest["platform_version"] == backup.platform_version()
    assert manifest["database_vendor"] == connection.vendor
    assert manifest["schema"] == backup.applied_schema() and "registry" in manifest["schema"]
    assert manifest["created_at"]
    assert set(manifest["members"]) == set(members) - {backup.MANIFEST}
    for name, data in members.items():
        if name != backup.MANIFEST:
            assert manifest["members"][name]["sha256"] == hashlib.sha256(data).hexdigest()
    assert {f"media/{n}" for n in MEDIA} < set(members)
    assert "warehouse/test_backup_facts/manifest.json" in members
    assert not any(n.endswith("/.lock") for n in members)
    assert members[backup.SECRET_MEMBER] == settings_secret()

    # A database holding data is not overwritten without --force, and stays as it was.
    with pytest.raises(CommandError, match="backup_database_not_empty"):
        call_command("restore", out, verbosity=0)
    assert table_counts() == counts

    # Wipe everything the archive holds.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(places / "var" / "media")
    shutil.rmtree(warehouse.root())
    (places / "var" / "secret_key").write_text("another key")
    assert table_counts()["registry_student"] == 0

    call_command("restore", out, verbosity=0)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    assert table_counts() == counts
    assert model_rows() == rows
    for name, data in MEDIA.items():
        assert (places / "var" / "media" / name).read_bytes() == data
    assert warehouse_total() == total
    key = places / "var" / "secret_key"
    assert key.read_text() == "k" * 60 and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert not [p.name for p in (places / "var").iterdir() if p.name.startswith(".")]  # staging removed

    # The restored database is alive: sequences continue, the search index answers.
    from edudx.orgs import services as orgs
    from edudx.registry import selectors as registry

    unit = orgs.unit_create(actor=Actor.system(source="test"), code="PC", name="Phường Mới", kind="ward",
                            parent=city.dept)  # fmt: skip
    assert unit.pk > max(r[0] for r in rows["orgs_orgunit"])
    assert search_finds(registry, city, "tran thi binh")

    # --force replaces a database holding data: the unit added since the backup is gone.
    call_command("restore", out, force=True, verbosity=0)
    ContentType.objects.clear_cache()
    assert table_counts() == counts
    assert model_rows() == rows


def settings_secret() -> bytes:
    from django.conf import settings

    return settings.SECRET_KEY.encode()


def search_finds(registry, city, text: str) -> bool:
    from edudx.registry.filters import StudentFilter

    found, _sort = registry.student_list(scope=city.scope_of("dept_admin"), filters=StudentFilter(q=text))
    return found.count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_corrupted_member_is_refused_and_the_old_data_stays(places):
    from edudx.core.testing.city import build_city

    build_city()
    add_media(places / "var" / "media")
    out = places / "city.tar"
    backup.backup(out)
    counts = table_counts()
    with tarfile.open(out) as tar:
        info = tar.getmember(backup.DB_MEMBERS[connection.vendor])
    raw = bytearray(out.read_bytes())
    raw[info.offset_data + info.size // 2] ^= 0xFF  # one flipped byte in the middle of the database
    out.write_bytes(bytes(raw))
    shutil.rmtree(places / "var" / "media" / "lrs")

    with pytest.raises(backup.BackupError) as exc:
        backup.restore(out, force=True)
    assert exc.value.code == "backup_checksum_mismatch"
    assert backup.DB_MEMBERS[connection.vendor] in str(exc.value.message)
    assert table_counts() == counts
    assert not (places / "var" / "media" / "lrs").exists()  # media untouched too
    assert (places / "var" / "media" / "library" / "1" / "v1.pdf").exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"platform_version": "0.0.1"}, "backup_version_mismatch"),
        ({"schema": {"registry": ["0001_initial"]}}, "backup_schema_mismatch"),
        ({"database_vendor": "oracle"}, "backup_vendor_mismatch"),
        ({"format": "something-else"}, "backup_format_mismatch"),
    ],
)
def test_a_manifest_from_another_version_is_refused(db, places, change, code):
    members = minimal_members()
    path = write_archive(places / "a.tar", members)
    manifest = json.loads(members_of(path)[backup.MANIFEST])
    write_archive(path, members, {**manifest, **change})
    with pytest.raises(backup.BackupError) as exc:
        backup.restore(path)
    assert exc.value.code == code
    assert not (places / "var" / "secret_key").exists()


def test_the_command_exits_non_zero_with_the_code_on_another_version(db, places):
    members = minimal_members()
    path = write_archive(places / "a.tar", members)
    manifest = json.loads(members_of(path)[backup.MANIFEST])
    write_archive(path, members, {**manifest, "platform_version": "9.9.9"})
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "EDUDX_SECRET_KEY")}
    env.update(EDUDX_VAR_DIR=str(places / "cli-var"), DJANGO_SETTINGS_MODULE="config.settings.base")
    done = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "edudx", "restore", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "backup_version_mismatch" in done.stderr and "9.9.9" in done.stderr


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"../evil": b"x"}, "backup_unsafe_member"),
        ({"/etc/evil": b"x"}, "backup_unsafe_member"),
        ({"media/../../evil": b"x"}, "backup_unsafe_member"),
        ({"notes.txt": b"x"}, "backup_unexpected_member"),
    ],
)
def test_unsafe_or_unexpected_members_are_refused_before_anything_is_written(db, places, extra, code):
    path = write_archive(places / "a.tar", {**minimal_members(), **extra})
    with pytest.raises(backup.BackupError) as exc:
        backup.restore(path)
    assert exc.value.code == code
    assert not (places / "evil").exists() and not (places / "var" / "evil").exists()


def test_a_link_member_is_refused(db, places):
    path = places / "a.tar"
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo("media/passwd")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(info)
    with pytest.raises(backup.BackupError) as exc:
        backup.restore(path)
    assert exc.value.code == "backup_unsafe_member"
    assert not (places / "var" / "media" / "passwd").exists()


def test_a_member_missing_from_the_manifest_or_the_archive_is_refused(db, places):
    members = minimal_members()
    path = write_archive(places / "a.tar", members)
    manifest = json.loads(members_of(path)[backup.MANIFEST])
    manifest["members"]["media/lost.pdf"] = {"sha256": "0" * 64, "size": 1}
    write_archive(path, members, manifest)
    with pytest.raises(backup.BackupError) as exc:
        backup.restore(path)
    assert exc.value.code == "backup_member_missing"


@pytest.mark.parametrize("content", [b"", b"just some text\n" * 100, os.urandom(4096)])
def test_a_file_that_is_not_an_archive_is_refused(db, places, content):
    path = places / "x.tar"
    path.write_bytes(content)
    with pytest.raises(backup.BackupError) as exc:
        backup.restore(path)
    assert exc.value.code in ("backup_not_an_archive", "backup_no_manifest")


def test_a_missing_archive_is_refused(db, places):
    with pytest.raises(backup.BackupError) as exc:
        backup.restore(places / "nowhere.tar")
    assert exc.value.code == "backup_not_found"


def test_backup_never_overwrites_an_existing_file(db, places):
    out = places / "exists.tar"
    out.write_text("keep me")
    with pytest.raises(CommandError, match="backup_output_exists"):
        call_command("backup", output=out, verbosity=0)
    assert out.read_text() == "keep me"


def test_help_says_the_archive_holds_personal_data():
    from edudx.core.management.commands import backup as backup_cmd
    from edudx.core.management.commands import restore as restore_cmd

    assert "personal data" in backup_cmd.Command.help and "secret key" in backup_cmd.Command.help
    assert "personal data" in restore_cmd.Command.help


def test_postgresql_programs_are_found_off_path(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    found = backup.pg_program("pg_dump")
    assert found.startswith("/usr/lib/postgresql/") and os.access(found, os.X_OK)


@pytest.mark.parametrize(
    "manifest",
    [
        b"[1, 2, 3]",
        b"{not json",
        b"\xff\xfe",
        json.dumps(
            {"format": backup.FORMAT, "format_version": backup.FORMAT_VERSION, "members": []}
        ).encode(),
        json.dumps(
            {"format": backup.FORMAT, "format_version": 1, "members": {backup.SECRET_MEMBER: "x"}}
        ).encode(),
    ],
)
def test_a_malformed_manifest_is_refused_with_a_code(db, places, manifest):
    path = places / "a.tar"
    with tarfile.open(path, "w") as tar:
        for name, data in [(backup.SECRET_MEMBER, b"s" * 50), (backup.MANIFEST, manifest)]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(backup.BackupError) as exc:
        backup.restore(path)
    assert exc.value.code in ("backup_format_mismatch", "backup_member_missing", "backup_checksum_mismatch")


def test_a_schema_of_the_wrong_shape_is_a_schema_mismatch(db, places):
    members = minimal_members()
    path = write_archive(places / "a.tar", members)
    manifest = json.loads(members_of(path)[backup.MANIFEST])
    write_archive(path, members, {**manifest, "schema": ["registry", 1]})
    with pytest.raises(backup.BackupError) as exc:
        backup.restore(path)
    assert exc.value.code == "backup_schema_mismatch"


def test_a_second_restore_at_the_same_time_is_refused(db, places):
    import fcntl

    path = write_archive(places / "a.tar", minimal_members())
    with (places / "var" / "restore.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(backup.BackupError) as exc:
            backup.restore(path)
    assert exc.value.code == "backup_busy"


@pytest.mark.django_db(transaction=True)
def test_a_database_that_fails_to_load_leaves_the_database_and_the_files_as_they_were(places):
    from edudx.orgs import services as orgs

    unit = orgs.unit_create(
        actor=Actor.system(source="test"), code="SGD", name="Sở", kind="department", parent=None
    )
    add_media(places / "var" / "media")
    (places / "var" / "secret_key").write_text("the old key")
    members = {**minimal_members(), "media/new.txt": b"from the archive"}  # checksums right, database garbage
    path = write_archive(places / "a.tar", members)

    with pytest.raises(backup.BackupError) as exc:
        backup.restore(path, force=True)
    assert exc.value.code in ("backup_database_failed", "backup_tool_failed")
    from edudx.orgs.models import OrgUnit

    assert list(OrgUnit.objects.values_list("pk", "code")) == [(unit.pk, "SGD")]
    assert not (places / "var" / "media" / "new.txt").exists()
    assert (places / "var" / "media" / "library" / "1" / "v1.pdf").read_bytes() == MEDIA["library/1/v1.pdf"]
    assert (places / "var" / "secret_key").read_text() == "the old key"
    assert not [p.name for p in places.joinpath("var").iterdir() if p.name.startswith(".")]  # staging removed


@pytest.mark.django_db(transaction=True)
def test_a_gzip_archive_goes_out_and_comes_back(places):
    add_media(places / "var" / "media")
    out = places / "b.tar.gz"
    backup.backup(out)
    assert out.read_bytes()[:2] == b"\x1f\x8b"
    assert {f"media/{n}" for n in MEDIA} < set(members_of(out))
    shutil.rmtree(places / "var" / "media")
    backup.restore(out)
    for name, data in MEDIA.items():
        assert (places / "var" / "media" / name).read_bytes() == data


@pytest.mark.sqlite_only
def test_a_sqlite_backup_inside_a_transaction_is_refused_not_left_waiting(db, places):
    with pytest.raises(backup.BackupError) as exc:
        backup.backup(places / "c.tar")
    assert exc.value.code == "backup_in_transaction"
    assert not (places / "c.tar").exists() and not list(places.glob(".c.tar*"))


@pytest.mark.django_db(transaction=True)
def test_a_media_root_that_is_a_link_stays_a_link(settings, places):
    real = places / "big-disk" / "media"
    real.mkdir(parents=True)
    settings.MEDIA_ROOT = places / "var" / "media"
    settings.MEDIA_ROOT.symlink_to(real)
    add_media(settings.MEDIA_ROOT)
    out = places / "m.tar"
    backup.backup(out)
    shutil.rmtree(real)
    real.mkdir()
    backup.restore(out)
    assert settings.MEDIA_ROOT.is_symlink() and settings.MEDIA_ROOT.resolve() == real
    for name, data in MEDIA.items():
        assert (real / name).read_bytes() == data


@pytest.mark.django_db(transaction=True)
def test_without_output_the_archive_goes_to_a_private_folder_under_var(places):
    call_command("backup", verbosity=0)
    folder = places / "var" / "backups"
    (archive,) = folder.glob("edudx-backup-*.tar")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert backup.MANIFEST in members_of(archive)


def test_uploads_kept_by_another_storage_backend_are_named_in_a_warning(places, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    (warning,) = backup.write._storage_warnings()
    assert "InMemoryStorage" in warning
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    assert backup.write._storage_warnings() == []


def test_a_secret_key_from_the_environment_is_left_alone_and_a_different_one_is_warned_about(
    places, monkeypatch
):
    from edudx.core.backup.read import _restore_secret_key

    monkeypatch.setenv("EDUDX_SECRET_KEY", "from the environment")
    assert _restore_secret_key("from the environment") == []
    (warning,) = _restore_secret_key("from the archive")
    assert "EDUDX_SECRET_KEY" in warning
    assert not (places / "var" / "secret_key").exists()
    monkeypatch.delenv("EDUDX_SECRET_KEY")
    assert _restore_secret_key("from the archive") == []
    key = places / "var" / "secret_key"
    assert key.read_text() == "from the archive" and stat.S_IMODE(key.stat().st_mode) == 0o600
