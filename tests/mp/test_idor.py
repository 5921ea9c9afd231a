"""Another resident's application or document is a 404 on every route."""
import pytest

from tests.mp.helpers import fill, png


@pytest.fixture
def filed(resident):
    """The first resident's dibao, assessed: an application with its checklist."""
    resident.post("/api/mp/applications", json={"form": "dibao"})
    fill(resident)
    return resident.post("/api/mp/applications/dibao/verdict").get_json()


def test_every_route_hides_another_residents_application(resident, other, filed):
    number = filed["application_id"]
    slot = filed["missing"][0]
    calls = [
        lambda: other.get(f"/api/mp/applications/{number}"),
        lambda: other.patch(f"/api/mp/applications/{number}", json={"answers": {"owns_vehicle": True}}),
        lambda: other.post(f"/api/mp/applications/{number}/verdict"),
        lambda: other.upload(number, slot, png()),
        lambda: other.post(f"/api/mp/applications/{number}/submit"),
        lambda: other.post(f"/api/mp/applications/{number}/withdraw"),
    ]
    for call in calls:
        response = call()
        assert response.status_code == 404, response.get_json()
    # The other resident's "dibao" is their own (none): still nothing of the first one's.
    assert other.get("/api/mp/applications/dibao").status_code == 404
    assert other.get("/api/mp/applications").get_json()["applications"] == []
    # And the first resident's application is untouched.
    mine = resident.get(f"/api/mp/applications/{number}").get_json()
    assert mine["state"] == "draft" and mine["missing"] == filed["missing"]


def test_an_unknown_or_impossible_id_is_404(resident):
    for draft_id in ("999999", "0", "99999999999999", "nonsense", "dibao"):
        assert resident.get(f"/api/mp/applications/{draft_id}").status_code == 404
