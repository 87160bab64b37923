"""The fake's knobs for checking a client's setup (issue 11): path layouts, a rate limit per access token
and a skewed clock, on both carriers and through the admin API."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from sailpoint_sim import RateLimit
from sailpoint_sim.testing import FakeSimService

from .fake_support import Api

V2025 = "/v2025/sim-integrations"
PER_RESOURCE = "/sim-integrations/v1"


class _Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------- layouts


def test_both_layouts_are_served_by_default(api: Api) -> None:
    assert api.fake.layouts == {"v2025", "per-resource"}
    created = api.create()
    assert api.get(V2025).json() == [created]
    assert api.get(f"{PER_RESOURCE}/{created['id']}").json() == created


@pytest.mark.parametrize(
    ("served", "other"), [("v2025", PER_RESOURCE), ("per-resource", V2025)], ids=["v2025", "per-resource"]
)
def test_one_layout_only_answers_404_with_sailpoints_body_on_the_other(
    api: Api, served: str, other: str
) -> None:
    api.fake.layouts = [served]
    ident = api.fake.seed(1)[0]
    mine = V2025 if other == PER_RESOURCE else PER_RESOURCE
    assert api.get(mine).status_code == 200
    assert api.get(f"{mine}/{ident}").status_code == 200
    for path in (other, f"{other}/{ident}", f"{other}/{ident}/beforeProvisioningRule"):
        response = api.get(path)
        assert response.status_code == 404, path
        body = response.json()
        assert body["detailCode"] == "404 Not found"
        assert body["trackingId"] == response.headers["SLPT-Request-ID"]
        assert body["messages"][0]["text"] == f"No resource at {path}."
    # a write to the layout not served changes nothing
    assert api.delete(f"{other}/{ident}").status_code == 404
    assert ident in api.fake.integrations


def test_layouts_take_the_client_sides_enum_or_strings() -> None:
    class Layout(str):  # stands in for sailpoint_sim.Layout, a StrEnum whose values are these strings
        @property
        def value(self) -> str:
            return str(self)

    assert FakeSimService(layouts=[Layout("per-resource")]).layouts == {"per-resource"}
    assert FakeSimService(layouts="v2025").layouts == {"v2025"}
    with pytest.raises(ValueError, match="unknown layout 'v2024'"):
        FakeSimService(layouts=["v2024"])
    with pytest.raises(ValueError, match="at least one"):
        FakeSimService(layouts=[])


# ---------------------------------------------------------------- rate limit


def _limited(requests: int, per: float) -> tuple[FakeSimService, _Clock, httpx.Client, dict[str, str]]:
    clock = _Clock()
    fake = FakeSimService(rate_limit=(requests, per), clock=clock)
    client = httpx.Client(transport=fake.transport(), base_url="https://tenant.api.identitynow.com")
    headers = {"Authorization": f"Bearer {fake.issue_token()}", "X-SailPoint-Experimental": "true"}
    return fake, clock, client, headers


def test_rate_limit_per_token_answers_sailpoints_429_with_retry_after() -> None:
    fake, clock, client, headers = _limited(3, 10.0)
    with client:
        assert [client.get(V2025, headers=headers).status_code for _ in range(3)] == [200] * 3
        clock.now += 4.0
        refused = client.get(V2025, headers=headers)
        assert refused.status_code == 429
        assert refused.json() == {"message": " Rate Limit Exceeded "}
        assert refused.headers["Retry-After"] == "6"  # the oldest of the three leaves the window then
        assert refused.headers["SLPT-Request-ID"]
        # another token has its own allowance
        other = {**headers, "Authorization": f"Bearer {fake.issue_token()}"}
        assert client.get(V2025, headers=other).status_code == 200
        clock.now += 6.0
        assert client.get(V2025, headers=headers).status_code == 200
    assert fake.stats()["rate_limited"] == 1


def test_rate_limited_requests_do_nothing_and_refused_ones_do_not_count() -> None:
    fake, clock, client, headers = _limited(1, 1.0)
    with client:
        assert client.post(V2025, headers=headers, json={"name": "one"}).status_code == 200
        for _ in range(3):
            assert client.post(V2025, headers=headers, json={"name": "two"}).status_code == 429
        clock.now += 1.0
        assert client.post(V2025, headers=headers, json={"name": "three"}).status_code == 200
    assert [doc["name"] for doc in fake.integrations.values()] == ["one", "three"]
    assert fake.stats()["rate_limited"] == 3


def test_rate_limit_comes_after_the_token_check_and_spares_the_token_endpoint() -> None:
    _fake, _clock, client, headers = _limited(1, 60.0)
    with client:
        for _ in range(3):
            assert client.get(V2025, headers={**headers, "Authorization": "Bearer nope"}).status_code == 401
        form = {"grant_type": "client_credentials", "client_id": "fake-client-id"}
        form["client_secret"] = "fake-client-secret"
        assert all(client.post("/oauth/token", data=form).status_code == 200 for _ in range(3))
        assert client.get(V2025, headers=headers).status_code == 200
        assert client.get(V2025, headers=headers).status_code == 429


def test_rate_limit_takes_the_clients_rate_limit_and_can_be_lifted() -> None:
    limit = RateLimit(2, 10.0)
    fake = FakeSimService(rate_limit=limit)
    assert fake.rate_limit is limit
    fake.rate_limit = None
    for bad in [(0, 1.0), (1, 0), (1, float("inf")), (True, 1.0), "100/10", (1, 2, 3)]:
        with pytest.raises(ValueError, match="rate_limit"):
            FakeSimService(rate_limit=bad)


def test_rate_limit_over_real_http_through_the_admin_api(fake: FakeSimService) -> None:
    token = fake.issue_token()
    headers = {"Authorization": f"Bearer {token}", "X-SailPoint-Experimental": "true"}
    with fake.serve() as server, httpx.Client(base_url=server.url, timeout=10) as client:
        config = client.post("/__fake__/config", json={"rate_limit": {"requests": 2, "per": 60}}).json()
        assert config["rate_limit"] == {"requests": 2, "per": 60}
        statuses = [client.get(V2025, headers=headers).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert client.get("/__fake__/stats").json()["rate_limited"] == 1
        assert client.post("/__fake__/config", json={"rate_limit": None}).json()["rate_limit"] is None
        assert client.get(V2025, headers=headers).status_code == 200


# ---------------------------------------------------------------- Date and clock skew


def _date(response: httpx.Response) -> float:
    return email.utils.parsedate_to_datetime(response.headers["Date"]).timestamp()


def test_every_answer_carries_a_date_on_both_carriers(api: Api) -> None:
    for response in (
        api.get(V2025),
        api.get("/nowhere"),
        api.client.get(V2025),  # 401
        api.client.post("/oauth/token", data={}),
        api.client.get("/__fake__/stats"),
    ):
        assert response.headers.get_list("Date") and len(response.headers.get_list("Date")) == 1
        assert abs(_date(response) - time.time()) < 5


@pytest.mark.parametrize("skew", [-3600.0, 90.0])
def test_clock_skew_shifts_the_date_header(api: Api, skew: float) -> None:
    api.fake.clock_skew = skew
    response = api.get(V2025)
    assert abs(_date(response) - (time.time() + skew)) < 5
    api.fake.inject(status=503)
    assert abs(_date(api.get(V2025)) - (time.time() + skew)) < 5  # faults too


def test_clock_skew_through_the_constructor_and_the_admin_api(fake: FakeSimService) -> None:
    assert FakeSimService(clock_skew=-30).clock_skew == -30.0
    with fake.serve() as server, httpx.Client(base_url=server.url, timeout=10) as client:
        assert client.post("/__fake__/config", json={"clock_skew": 600}).json()["clock_skew"] == 600.0
        assert abs(_date(client.get(V2025)) - (time.time() + 600)) < 5
