"""Interactive blocks' objects of school B1 for the route × role matrix (learning/tests/matrix.py):
an H5P package of a B1 lesson, a cmi5 launch session of B1 whose token was already fetched
(the fetch URL is public by design: a second fetch is refused, so nobody gets a token here), and
a B1 learner's SCORM attempt (its commit door answers its owner only)."""


def providers(city, lesson) -> dict[str, tuple[object, str]]:
    from django.utils import timezone

    from edudx.core.actor import Actor
    from edudx.learning.models import Cmi5Registration, Cmi5Session
    from edudx.learning.services import interactive

    from .h5p_package import MANIFEST, files, h5p_zip
    from .test_interactive_cmi5 import structure

    a = Actor.system(source="matrix")
    import json

    marked = files({"h5p.json": json.dumps({**MANIFEST, "title": "Gói H5P ma trận B1"}).encode()})
    block = interactive.h5p_add(actor=a, lesson=lesson, upload=h5p_zip(marked))
    import io

    au = interactive.cmi5_import(
        actor=a, lesson=lesson, upload=io.BytesIO(structure(au_url="https://au.example.vn/b1/index.html"))
    )[0]
    from edudx.accounts import services as accounts

    learner = accounts.user_create(actor=a, username="matrix_b1_cmi5", full_name="HV cmi5 B1", password=None)
    reg = Cmi5Registration.objects.create(block=au, user=learner)
    session = Cmi5Session.objects.create(registration=reg, fetched_at=timezone.now())
    from edudx.learning.interactive.samples import scorm_zip
    from edudx.learning.models import ScormAttempt
    from edudx.learning.services import scorm

    sco = scorm.scorm_add(actor=a, lesson=lesson, upload=scorm_zip())[0]
    attempt = ScormAttempt.objects.create(
        block=sco, user=learner, version="1.2", cmi={"suspend_data": "Dữ liệu SCORM ma trận B1"}
    )
    return {
        "key": (attempt.key, ""),
        "uid": (block.package.uid, "Gói H5P ma trận B1"),
        "name": ("h5p.json", ""),
        "session": (session.session, ""),
    }


PUBLIC_ROUTES = {
    "learning:cmi5_fetch": "the cmi5 fetch URL: the AU calls it without a session; its unguessable "
    "launch session is the secret and it answers once",
    "learning:package_file": "cmi5 AU files are served sandboxed to the AU's opaque origin (no session) "
    "by their unguessable folder; H5P files still check the viewer and answer 404 otherwise",
    "learning:package_root": "the package folder itself (same rules as its files)",
}
