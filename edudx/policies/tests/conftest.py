import pytest

from edudx.policies import selectors


@pytest.fixture(autouse=True)
def _fresh_policies():
    """The versions kept in the process (selectors._versions) must not outlive a test's
    rolled-back rows."""
    selectors.forget()
    yield
    selectors.forget()
