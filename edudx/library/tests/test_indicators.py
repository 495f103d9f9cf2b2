import pytest

from edudx.core import indicators
from edudx.library import services

from .helpers import make_resource, publish


@pytest.mark.django_db
def test_indicators_are_registered_against_the_4725_criteria():
    assert indicators.get("library.materials_volume").criteria == ("4725:I.4",)
    assert indicators.get("library.teachers_contributing_share").criteria == ("4725:I.6",)


@pytest.mark.django_db
def test_volume_counts_published_resources_per_school(city):
    publish(city, make_resource(city))
    publish(city, make_resource(city))
    make_resource(city)  # a draft does not count
    a1, a2 = city.schools[0].pk, city.schools[1].pk
    assert indicators.get("library.materials_volume").compute([a1, a2]) == {a1: 2, a2: 0}


@pytest.mark.django_db
def test_share_of_teachers_who_contributed(city):
    from edudx.registry.models import Staff

    a1 = city.schools[0]
    Staff.objects.filter(pk=city.staff[0].pk).update(user=city.users["teacher"])
    compute = indicators.get("library.teachers_contributing_share").compute
    assert compute([a1.pk]) == {a1.pk: 0.0}
    r = make_resource(city)
    assert compute([a1.pk]) == {a1.pk: 0.0}  # a draft is not yet a contribution
    services.resource_submit(actor=city.actor_of("teacher"), resource=r)
    assert compute([a1.pk]) == {a1.pk: 100.0}
