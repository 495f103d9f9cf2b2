"""Background exports: a job is asked, run with its owner's scope (masking included), followed,
downloaded by its owner alone, and expires; the same request twice gives one job."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_fsm import TransitionNotAllowed
from openpyxl import load_workbook

from edudx.core.actor import Actor
from edudx.core.errors import Conflict, NotFound, PermissionDenied
from edudx.core.roles import Role
from edudx.exports import services
from edudx.exports.models import ExportJob
from edudx.registry.models import Student

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _export_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def ask(client, exporter="registry.students", fmt="csv", query=""):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("exports:job_start"), {"exporter": exporter, "format": fmt, "query": query}
        )
    assert response.status_code == 302, response
    return ExportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))


def download(client, job) -> bytes:
    response = client.get(reverse("exports:job_download", kwargs={"job_id": job.pk}))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_job_runs_to_a_download_with_progress_and_expiry(city, client_for):
    c = client_for(Role.DEPT_OFFICER)
    job = ask(c)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.total == job.done == Student.objects.count()
    assert job.percent == 100 and job.expires_at > timezone.now() and job.task_id
    rows = csv_rows(download(c, job))
    assert len(rows) == 1 + Student.objects.count()
    page = c.get(reverse("exports:job_detail", kwargs={"job_id": job.pk})).content.decode()
    assert reverse("exports:job_download", kwargs={"job_id": job.pk}) in page
    assert (
        "students-"
        in c.get(reverse("exports:job_download", kwargs={"job_id": job.pk}))["Content-Disposition"]
    )
    mine = c.get(reverse("exports:job_list")).content.decode()
    assert reverse("exports:job_detail", kwargs={"job_id": job.pk}) in mine
    # A day later the file is gone and the download says so (404), the page says why.
    assert services.job_expire_due(now=timezone.now() + dt.timedelta(days=2)) == 1
    job.refresh_from_db()
    assert job.state == ExportJob.State.EXPIRED and not job.file
    assert c.get(reverse("exports:job_download", kwargs={"job_id": job.pk})).status_code == 404


def test_progress_is_polled_while_running_then_the_page_reloads(city, client_for):
    c = client_for(Role.DEPT_OFFICER)
    job = ExportJob.objects.create(
        owner=city.users[Role.DEPT_OFFICER], exporter="registry.students", format="csv"
    )
    job.start()
    job.total, job.done = 200, 90
    job.save()
    with __import__("django.utils.translation", fromlist=["override"]).override("vi"):
        html = c.get(reverse("exports:job_progress", kwargs={"job_id": job.pk})).content.decode()
    assert "Đang xuất… 45 %" in html and "hx-trigger" in html
    job.done = 200
    job.finish()
    job.save()
    response = c.get(reverse("exports:job_progress", kwargs={"job_id": job.pk}))
    assert response["HX-Refresh"] == "true"


def test_only_the_owner_sees_or_downloads_a_job(city, client_for):
    job = ask(client_for(Role.DEPT_OFFICER))
    other = client_for(Role.DEPT_ADMIN)  # sees every pupil, still not this file
    for name in ("job_detail", "job_progress", "job_download"):
        assert other.get(reverse(f"exports:{name}", kwargs={"job_id": job.pk})).status_code == 404
        assert other.get(f"/exports/{2**70}/").status_code == 404
    assert (
        reverse("exports:job_detail", kwargs={"job_id": job.pk})
        not in other.get(reverse("exports:job_list")).content.decode()
    )


def test_ward_officer_job_holds_their_ward_only_and_masks_ids(city, client_for):
    c = client_for(Role.WARD_OFFICER)
    rows = csv_rows(download(c, ask(c)))
    ward_a = {s.full_name for s in city.students[:6]}
    assert {r[1] for r in rows[1:]} == ward_a
    pids = {s.personal_id for s in city.students}
    assert not any(cell in pids for row in rows for cell in row)
    assert all("*" in r[4] for r in rows[1:])


def test_the_scope_is_the_owners_when_the_job_runs(city, client_for):
    """Asked by a ward officer whose membership is withdrawn before the worker runs it: nothing."""
    from edudx.accounts.models import Membership

    c = client_for(Role.WARD_OFFICER)
    with TestCase.captureOnCommitCallbacks(execute=False):
        c.post(reverse("exports:job_start"), {"exporter": "registry.students", "format": "csv"})
    job = ExportJob.objects.get()
    Membership.objects.filter(user=city.users[Role.WARD_OFFICER]).delete()
    services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and not job.file


def test_xlsx_job_has_a_frozen_header_widths_and_real_dates(city, client_for):
    c = client_for(Role.SCHOOL_ADMIN)
    job = ask(c, fmt="xlsx", query=f"school={city.schools[0].pk}")
    ws = load_workbook(io.BytesIO(download(c, job))).active
    assert ws.freeze_panes == "A2"
    header = [cell.value for cell in ws[1]]
    assert header[1] == "Họ và tên" and "Lớp" in header
    assert ws.column_dimensions["B"].width > 20
    dob = ws.cell(row=2, column=3).value
    assert isinstance(dob, dt.datetime) and dob.year == 2014
    assert ws.max_row == 1 + 3  # the school's three pupils
    # A school admin holds view_pii: IDs in full, as on the page.
    assert {ws.cell(row=r, column=5).value for r in range(2, 5)} == {s.personal_id for s in city.students[:3]}


def test_a_formula_in_a_name_stays_text(city, client_for):
    Student.objects.filter(pk=city.students[0].pk).update(full_name='=HYPERLINK("http://x","y")')
    c = client_for(Role.SCHOOL_ADMIN)
    ws = load_workbook(io.BytesIO(download(c, ask(c, fmt="xlsx")))).active
    names = [ws.cell(row=r, column=2).value for r in range(2, ws.max_row + 1)]
    assert '\'=HYPERLINK("http://x","y")' in names
    assert not any(str(v).startswith("=") for row in ws.iter_rows(values_only=True) for v in row if v)
    rows = csv_rows(download(c, ask(c, fmt="csv")))
    assert '\'=HYPERLINK("http://x","y")' in [r[1] for r in rows]


def test_the_same_export_asked_twice_at_once_is_one_job_and_a_few_at_most(city):
    actor = Actor(user=city.users[Role.DEPT_OFFICER], scope=city.scope_of(Role.DEPT_OFFICER))
    with TestCase.captureOnCommitCallbacks(execute=False):
        first = services.job_start(
            actor=actor, exporter="registry.students", format="csv", query="gender=male"
        )
        again = services.job_start(
            actor=actor, exporter="registry.students", format="csv", query="gender=male&cursor=x"
        )
        assert again.pk == first.pk
        services.job_start(actor=actor, exporter="registry.students", format="xlsx", query="gender=male")
        services.job_start(actor=actor, exporter="registry.staff", format="csv")
        with pytest.raises(Conflict) as exc:
            services.job_start(actor=actor, exporter="registry.staff", format="xlsx")
    assert exc.value.code == "export_too_many"
    # The worker delivering the same task twice runs it once.
    services.job_run(job_id=first.pk)
    done = ExportJob.objects.get(pk=first.pk)
    assert services.job_run(job_id=first.pk).file == done.file


def test_refusals(city, client_for):
    viewer = Actor(user=city.users[Role.VIEWER], scope=city.scope_of(Role.VIEWER))
    with pytest.raises(PermissionDenied):
        services.job_start(actor=viewer, exporter="registry.students", format="csv")
    officer = Actor(user=city.users[Role.DEPT_OFFICER], scope=city.scope_of(Role.DEPT_OFFICER))
    with pytest.raises(NotFound):
        services.job_start(actor=officer, exporter="nope", format="csv")
    c = client_for(Role.DEPT_OFFICER)
    response = c.post(reverse("exports:job_start"), {"exporter": "registry.students", "format": "pdf"})
    assert response.status_code == 302 and response["Location"] == reverse("exports:job_list")
    assert c.post(reverse("exports:job_start"), {"exporter": "x\x00", "format": "csv"}).status_code == 404
    assert (
        client_for(Role.VIEWER)
        .post(reverse("exports:job_start"), {"exporter": "registry.students", "format": "csv"})
        .status_code
        == 403
    )
    assert c.get(reverse("exports:job_start")).status_code == 405


def test_state_machine_moves(city):
    job = ExportJob.objects.create(
        owner=city.users[Role.DEPT_OFFICER], exporter="registry.students", format="csv"
    )
    with pytest.raises(TransitionNotAllowed):
        job.finish()
    with pytest.raises(TransitionNotAllowed):
        job.expire()
    job.start()
    assert job.state == "running" and job.started_at
    with pytest.raises(TransitionNotAllowed):
        job.start()
    job.finish()
    assert job.state == "done" and job.finished_at
    with pytest.raises(TransitionNotAllowed):
        job.fail()
    job.expire()
    assert job.state == "expired"
    other = ExportJob(owner=job.owner, exporter="registry.students", format="csv")
    other.fail()
    assert other.state == "failed"
    other.expire()
    assert other.state == "expired"
