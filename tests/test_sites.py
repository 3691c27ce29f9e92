"""SiteService: adding, changing and looking up sites."""

from __future__ import annotations

import pytest

from yorum.errors import Conflict, Invalid, UnknownSite
from yorum.models import FieldRule, Policy
from yorum.services import Services
from yorum.storage import sites as site_rows


def test_update_changes_only_what_is_named(services: Services) -> None:
    services.sites.add("blog", origins=["https://blog.example"], language="tr")
    site = services.sites.update(
        "blog", policy=Policy.HOLD_ALL, origins=["HTTPS://News.Example/", "https://blog.example"]
    )
    assert site.policy is Policy.HOLD_ALL
    assert site.origins == ("https://news.example", "https://blog.example")
    assert site.language == "tr"
    again = services.sites.get("blog")
    assert again == site


def test_update_is_seen_at_once_by_lookups(services: Services) -> None:
    services.sites.add("blog")
    services.sites.get("blog")  # cached
    services.sites.update("blog", email_field=FieldRule.REQUIRED)
    assert services.sites.get("blog").email_field is FieldRule.REQUIRED


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"language": "not a tag"}, "language"),
        ({"origins": []}, "origins"),
        ({"origins": ["ftp://x"]}, "origins"),
        ({"created_at": 1.0}, "created_at"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_update_refuses_bad_values(services: Services, changes: dict, field: str) -> None:
    services.sites.add("blog")
    with pytest.raises(Invalid) as caught:
        services.sites.update("blog", **changes)
    assert caught.value.field == field


def test_update_of_unknown_site(services: Services) -> None:
    with pytest.raises(UnknownSite):
        services.sites.update("nope", name="x")


def test_two_processes_adding_the_same_site_at_once_get_a_conflict_not_a_crash(
    services: Services,
) -> None:
    """The second of two racing inserts (serve processes starting together on an empty
    database both add ``default``) is told the site exists, whatever the timing."""
    site = services.sites.add("blog")
    with services.store.write() as tx:
        assert site_rows.insert(tx, site) is False
    with pytest.raises(Conflict):
        services.sites.add("blog")
    assert services.sites.ensure_default().id == "blog"  # some site exists: none added
