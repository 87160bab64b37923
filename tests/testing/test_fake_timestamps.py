"""The fake writes timestamps the way the generated models write them back, so a read-modify-write
through our client returns the stored document character for character, whatever the clock says.

CI once failed when a write landed on a whole second: the fake stored `…:58.000Z`, the model wrote
back `…:58Z` (the same instant). These tests pin that moment instead of waiting for it.
"""

from __future__ import annotations

import datetime as _dt
import types
from collections.abc import Iterator

import httpx
import pytest
from sailpoint_sim_client.models.service_desk_integration_dto import ServiceDeskIntegrationDto
from sailpoint_sim_client.types import format_datetime

from sailpoint_sim import SimIntegrationsClient, details_from
from sailpoint_sim.testing import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, FakeSimService, _replies, _store

UTC = _dt.UTC


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (_dt.datetime(2015, 5, 28, 14, 7, 17, tzinfo=UTC), "2015-05-28T14:07:17Z"),
        (_dt.datetime(2024, 1, 17, 18, 45, 25, 994000, tzinfo=UTC), "2024-01-17T18:45:25.994Z"),
        (_dt.datetime(2024, 1, 17, 18, 45, 25, 1000, tzinfo=UTC), "2024-01-17T18:45:25.001Z"),
        # the service keeps milliseconds: a finer clock reading is cut, never rounded up
        (_dt.datetime(2024, 1, 17, 18, 45, 25, 999999, tzinfo=UTC), "2024-01-17T18:45:25.999Z"),
        (_dt.datetime(2024, 1, 17, 18, 45, 25, 999, tzinfo=UTC), "2024-01-17T18:45:25Z"),
        # another offset is written in UTC
        (
            _dt.datetime(2024, 1, 17, 20, 45, 25, 500000, tzinfo=_dt.timezone(_dt.timedelta(hours=2))),
            "2024-01-17T18:45:25.500Z",
        ),
    ],
)
def test_timestamp_spelling(moment: _dt.datetime, expected: str) -> None:
    assert _replies.timestamp(moment) == expected


@pytest.mark.parametrize("microsecond", [0, 1000, 994000, 999999, 7])
def test_what_the_fake_writes_the_model_writes_back(microsecond: int) -> None:
    moment = _dt.datetime(2026, 11, 28, 10, 16, 58, microsecond, tzinfo=UTC)
    written = _replies.timestamp(moment)
    parsed = _dt.datetime.fromisoformat(written.replace("Z", "+00:00"))
    assert format_datetime(parsed) == written


class _FrozenClock:
    """Stands in for the `datetime` module inside the fake, with `now()` fixed on a whole second."""

    def __init__(self, moment: _dt.datetime) -> None:
        frozen = moment

        class FrozenDatetime(_dt.datetime):
            @classmethod
            def now(cls, tz: _dt.tzinfo | None = None) -> FrozenDatetime:
                return cls.fromtimestamp(frozen.timestamp(), tz)

        self.module = types.SimpleNamespace(datetime=FrozenDatetime, UTC=UTC, timedelta=_dt.timedelta)


@pytest.fixture
def whole_second(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    clock = _FrozenClock(_dt.datetime(2026, 11, 28, 10, 16, 58, tzinfo=UTC))
    monkeypatch.setattr(_store, "_dt", clock.module)
    yield


def test_a_write_on_a_whole_second_round_trips_exactly(whole_second: None) -> None:
    fake = FakeSimService()
    ident = fake.seed(1)[0]
    with SimIntegrationsClient(
        "https://tenant.api.identitynow.com",
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        http_client=httpx.Client(transport=fake.transport()),
    ) as client:
        current = client.get(ident)
        current.description = "edited on a whole second"
        updated = client.update(ident, details_from(current))
    stored = fake.integrations[ident]
    assert stored["modified"] == "2026-11-28T10:16:58Z"
    assert isinstance(updated, ServiceDeskIntegrationDto)
    assert updated.to_dict() == stored
