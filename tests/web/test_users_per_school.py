"""Users per school (ServiceUsage.users) are set on the service's page: versioned, with history."""

import pytest
from django.urls import reverse

from portfolio.models import ServiceUsage
from tests.factories import ApplicationFactory, LearningResourceFactory, SchoolUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def system():
    application = ApplicationFactory()
    for name, users in (("Björkskolan", 120), ("Alléskolan", 40)):
        school = SchoolUnitFactory(name=name)
        ServiceUsage.objects.create(service=application, organisation=school, users=users)
    return application


def usages(service) -> list[ServiceUsage]:
    return list(ServiceUsage.objects.filter(service=service).order_by("organisation__name", "pk"))


def submission(service, users: list[int], versions: list[int] | None = None) -> dict:
    rows = usages(service)
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for index, (row, count) in enumerate(zip(rows, users, strict=True)):
        data[f"form-{index}-id"] = str(row.pk)
        data[f"form-{index}-users"] = str(count)
        data[f"form-{index}-version"] = str(versions[index] if versions else row.version)
    return data


def users_url(service) -> str:
    return reverse(f"portfolio:{service._meta.model_name}_users", args=[service.pk])


def test_an_editor_sets_the_users_of_each_school_and_history_names_them(client, it_user, system):
    client.force_login(it_user)
    response = client.post(users_url(system), submission(system, [45, 130]))
    assert response.status_code == 302 and response.url == system.get_absolute_url()
    alle, bjork = usages(system)
    assert (alle.users, bjork.users) == (45, 130)
    assert alle.history.latest().history_user == it_user
    assert alle.version == 2


def test_a_row_left_as_it_was_is_not_saved_again(client, it_user, system):
    client.force_login(it_user)
    alle, bjork = usages(system)
    client.post(users_url(system), submission(system, [40, 150]))
    assert ServiceUsage.history.filter(id=alle.pk).count() == 1  # only its creation
    assert ServiceUsage.history.filter(id=bjork.pk).count() == 2


def test_a_stale_version_refuses_the_whole_submission(client, it_user, system):
    client.force_login(it_user)
    read = usages(system)
    bjork = read[1]
    bjork.users = 99
    bjork.save()
    bjork.refresh_from_db()
    ServiceUsage.objects.filter(pk=bjork.pk).update(version=bjork.version + 1)  # saved elsewhere meanwhile
    response = client.post(
        users_url(system), submission(system, [41, 121], versions=[row.version for row in read])
    )
    assert response.status_code == 400
    assert "ändrats av någon annan" in response.content.decode()
    assert [row.users for row in usages(system)] == [40, 99]  # the fresh row was not written either


def test_a_negative_count_is_refused_and_nothing_changes(client, it_user, system):
    client.force_login(it_user)
    response = client.post(users_url(system), submission(system, [50, -3]))
    assert response.status_code == 400
    assert [row.users for row in usages(system)] == [40, 120]


def test_a_usage_of_another_service_cannot_be_changed_through_this_page(client, it_user, system):
    other = ApplicationFactory()
    foreign = ServiceUsage.objects.create(service=other, organisation=SchoolUnitFactory(), users=7)
    data = submission(system, [40, 120])
    data["form-0-id"] = str(foreign.pk)
    data["form-0-users"] = "9999"
    client.force_login(it_user)
    response = client.post(users_url(system), data)
    assert response.status_code == 400
    foreign.refresh_from_db()
    assert foreign.users == 7


def test_the_page_lists_each_school_with_a_labelled_field(client, it_user, system):
    client.force_login(it_user)
    page = client.get(users_url(system)).content.decode()
    assert page.index("Alléskolan") < page.index("Björkskolan")
    assert "Användare på Alléskolan" in page
    assert 'name="form-1-users"' in page and 'value="120"' in page


def test_the_service_page_links_to_it_for_editors_only(client, it_user, reader, system):
    client.force_login(it_user)
    assert users_url(system) in client.get(system.get_absolute_url()).content.decode()
    client.force_login(reader)
    assert users_url(system) not in client.get(system.get_absolute_url()).content.decode()
    assert client.get(users_url(system)).status_code == 403
    assert client.post(users_url(system), submission(system, [1, 2])).status_code == 403
    assert [row.users for row in usages(system)] == [40, 120]


def test_a_learning_resource_has_the_same_page(client, strategist):
    resource = LearningResourceFactory()
    ServiceUsage.objects.create(service=resource, organisation=SchoolUnitFactory(), users=3)
    client.force_login(strategist)
    response = client.post(users_url(resource), submission(resource, [300]))
    assert response.status_code == 302
    assert usages(resource)[0].users == 300
