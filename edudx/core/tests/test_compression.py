"""Pages are gzipped only when the request carried no input (BREACH: edudx/core/compression.py)."""

from django.urls import reverse

from edudx.core.roles import Role


def test_a_page_without_input_is_compressed_a_search_is_not(client_for):
    c = client_for(Role.DEPT_OFFICER)
    plain = c.get(reverse("registry:student_list"), HTTP_ACCEPT_ENCODING="gzip")
    assert plain.status_code == 200 and plain["Content-Encoding"] == "gzip"
    search = c.get(reverse("registry:student_list") + "?q=nguyen", HTTP_ACCEPT_ENCODING="gzip")
    assert search.status_code == 200 and not search.has_header("Content-Encoding")
    assert b"csrf" in search.content.lower() or b"X-CSRFToken" in search.content
