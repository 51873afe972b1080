"""The municipal heat map of schools × risk factors, the shares of schools with a factor high, XLSX."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from opora.core.models import School, User
from opora.diagnostics.heatmap import heatmap_build
from opora.diagnostics.models import Campaign, CampaignSchool, InstrumentVersion, Profile, ProfileFactor
from tests.conftest import Cast
from tests.diagnostics.builders import make_campaign

URL = reverse("diagnostics:heatmap")


def make_profile(campaign: Campaign, school: School, levels: dict[str, tuple[str, float | None]] | None = None, *,
                 verified: dict[str, str] | None = None, selected: tuple[str, ...] = (), trusted: bool = True,
                 weak_reasons: list[dict[str, Any]] | None = None, status: str = "computed",
                 version: InstrumentVersion | None = None) -> Profile:
    """A stored profile: every factor of the version low at 0.2 unless `levels` says otherwise."""
    version = version or campaign.version
    cs = CampaignSchool.objects.get_or_create(campaign=campaign, school=school)[0]
    now = timezone.now()
    profile = Profile.objects.create(campaign_school=cs, version=version, status=status, trusted=trusted,
                                     weak_reasons=weak_reasons or [], computed_at=now,
                                     verified_at=now if status == "verified" else None)
    levels, verified = levels or {}, verified or {}
    for position, factor in enumerate(version.parsed().factors):
        level, score = levels.get(factor.code, ("low", 0.2))
        ProfileFactor.objects.create(
            profile=profile, factor=factor.code, name=factor.name, position=position, score=score, level=level,
            verified_level=verified.get(factor.code, ""), verified_reason="Обсудили со школой" if
            factor.code in verified else "", selected=factor.code in selected)
    return profile


@pytest.fixture
def profiles(cast: Cast, campaign: Campaign) -> dict[str, Profile]:
    """2026 entry: s1 and s2 (m1) with motivation high (s1's verified up from medium), s3 (m2) low;
    s4 (another region) high everywhere."""
    other = make_campaign(municipality=cast.m2, schools=[cast.s3], version=campaign.version)
    south = make_campaign(municipality=cast.m3, schools=[cast.s4], version=campaign.version)
    everything_high = {f.code: ("high", 0.9) for f in campaign.version.parsed().factors}
    return {
        "s1": make_profile(campaign, cast.s1, {"motivation": ("medium", 0.55), "equipment": ("", None)},
                           verified={"motivation": "high"}, selected=("motivation",), status="verified"),
        "s2": make_profile(campaign, cast.s2, {"motivation": ("high", 0.8), "discipline": ("medium", 0.45)},
                           trusted=False, weak_reasons=[{"code": "too_few", "group": "pupil", "used": 3, "min": 10}]),
        "s3": make_profile(other, cast.s3, {"motivation": ("low", 0.1)}),
        "s4": make_profile(south, cast.s4, everything_high),
    }


def page(user: User, **params: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def cells(html: str) -> dict[str, dict[str, str]]:
    """School code → factor → the level class of its cell."""
    out: dict[str, dict[str, str]] = {}
    for code, body in re.findall(r'<tr data-school="([^"]+)">(.*?)</tr>', html, re.S):
        out[code] = dict((f, lvl) for lvl, f in re.findall(r'class="risk-cell (\w+)" data-factor="([^"]+)"', body))
    return out


def share_cells(html: str) -> dict[str, str]:
    rows = re.findall(r'<tr data-factor="([^"]+)">\s*<td>[^<]*</td>\s*<td class="num" data-high="\d+">([^<]*)</td>',
                      html)
    return dict(rows)


def test_each_role_sees_exactly_the_schools_it_may(cast: Cast, profiles: dict[str, Profile]) -> None:
    assert set(cells(page(cast.maria))) == {"1001", "1002"}
    assert set(cells(page(cast.kate))) == {"1001"}
    assert set(cells(page(cast.sam))) == {"1001"}
    assert set(cells(page(cast.alice))) == {"1001", "1002", "1003"}
    assert set(cells(page(cast.zoe))) == {"2001"}


def test_teachers_methodists_and_people_without_roles_are_refused(cast: Cast, profiles: dict[str, Profile]) -> None:
    for user in (cast.tom, cast.mila, cast.nobody):
        client = Client()
        client.force_login(user)
        assert client.get(URL).status_code == 403
    assert Client().get(URL).status_code == 302  # to the sign-in page


def test_a_regional_user_narrows_the_map_to_one_municipality(cast: Cast, profiles: dict[str, Profile]) -> None:
    assert set(cells(page(cast.alice, municipality=cast.m2.code))) == {"1003"}
    # A municipality outside one's scope shows what one may see, never more.
    assert set(cells(page(cast.maria, municipality=cast.m2.code))) == {"1001", "1002"}


def test_cells_show_the_final_level_the_verification_and_the_selection(
    cast: Cast, profiles: dict[str, Profile]
) -> None:
    html = page(cast.maria)
    shown = cells(html)
    for code in ("s1", "s2"):
        stored = {f.factor: f.final_level or "none" for f in profiles[code].factors.all()}
        assert shown[getattr(cast, code).code] == stored
    assert shown["1001"]["motivation"] == "high"  # verified high, computed medium
    assert shown["1001"]["equipment"] == "none"  # not enough answers
    row = re.search(r'<tr data-school="1001">(.*?)</tr>', html, re.S).group(1)  # type: ignore[union-attr]
    motivation = re.search(r'data-factor="motivation"[^>]*>(.*?)</td>', row, re.S).group(1)  # type: ignore[union-attr]
    assert "✎" in motivation and "★" in motivation and "0.55" in motivation.replace(",", ".")
    assert row.count("★") == 1
    weak = re.search(r'<tr data-school="1002">(.*?)</tr>', html, re.S).group(1)  # type: ignore[union-attr]
    assert "badge warn" in weak and "badge warn" not in row
    assert reverse("diagnostics:profile", args=[profiles["s1"].pk]) in row


def test_the_share_of_schools_with_a_factor_high_counts_schools_with_a_level(
    cast: Cast, profiles: dict[str, Profile]
) -> None:
    shares = share_cells(page(cast.alice))
    assert shares["motivation"] == "2/3 (67 %)"
    assert shares["equipment"] == "0/2 (0 %)"  # s1 has no level for it
    built = heatmap_build(cast.alice, year=2026)
    discipline = next(s for s in built.shares if s.column.factor == "discipline")
    assert (discipline.high, discipline.medium, discipline.total, discipline.medium_percent) == (0, 1, 3, 33)


def test_the_latest_year_is_the_default_and_waves_are_apart(
    cast: Cast, campaign: Campaign, profiles: dict[str, Profile]
) -> None:
    older = make_campaign(municipality=cast.m1, schools=[cast.s1], year=2025, version=campaign.version)
    make_profile(older, cast.s1, {"motivation": ("low", 0.1)})
    exit_wave = make_campaign(municipality=cast.m1, schools=[cast.s2], wave="exit", version=campaign.version)
    make_profile(exit_wave, cast.s2, {"motivation": ("low", 0.1)})
    assert cells(page(cast.maria))["1002"]["motivation"] == "high"
    assert set(cells(page(cast.maria, year=2025))) == {"1001"}
    assert cells(page(cast.maria, year=2025))["1001"]["motivation"] == "low"
    assert set(cells(page(cast.maria, wave="exit"))) == {"1002"}


def test_the_newest_campaign_of_a_school_wins(cast: Cast, campaign: Campaign, profiles: dict[str, Profile]) -> None:
    again = make_campaign(municipality=cast.m1, schools=[cast.s1], version=campaign.version)
    make_profile(again, cast.s1, {"motivation": ("low", 0.15)})
    shown = cells(page(cast.maria))
    assert shown["1001"]["motivation"] == "low"
    assert list(shown) == ["1001", "1002"]


def test_the_page_stays_a_few_queries_with_many_schools(
    cast: Cast, campaign: Campaign, django_assert_max_num_queries: Any
) -> None:
    schools = [School.objects.create(code=f"9{n:03}", name=f"Школа {n}", municipality=cast.m1,
                                     type=cast.s1.type, settlement=cast.s1.settlement) for n in range(15)]
    for school in [cast.s1, cast.s2, *schools]:
        make_profile(campaign, school, {"motivation": ("high", 0.7)}, selected=("motivation",))
    client = Client()
    client.force_login(cast.maria)
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    assert len(cells(response.content.decode())) == 17


def test_sorting_by_school_name(cast: Cast, profiles: dict[str, Profile]) -> None:
    by_school = list(cells(page(cast.alice, sort="school")))
    names = {s.code: s.name for s in School.objects.all()}
    assert by_school == sorted(by_school, key=lambda code: names[code].casefold())
    by_municipality = list(cells(page(cast.alice)))
    assert by_municipality.index("1003") in (0, 2)  # the other municipality's school stands apart


def test_the_xlsx_holds_the_same_matrix_and_shares(cast: Cast, profiles: dict[str, Profile]) -> None:
    client = Client()
    client.force_login(cast.alice)
    response = client.get(URL, {"year": 2026, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    matrix, shares = book.worksheets
    header = [c.value for c in matrix[1]]
    rows = {r[1]: dict(zip(header, r, strict=True)) for r in matrix.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"1001", "1002", "1003"}
    name = ProfileFactor.objects.get(profile=profiles["s1"], factor="motivation").name
    assert rows["1001"][f"{name}: уровень"] == "высокая"
    assert rows["1001"][f"{name}: балл"] == 0.55
    assert rows["1002"][f"{name}: балл"] == 0.8
    assert rows["1003"][f"{name}: уровень"] == "низкая"
    by_factor = {r[0]: r for r in shares.iter_rows(min_row=2, values_only=True)}
    assert by_factor[name][1:] == (2, pytest.approx(2 / 3), 0, 0, 3)


def test_no_profiles_yet_says_so(cast: Cast, campaign: Campaign) -> None:
    html = page(cast.maria)
    assert 'class="risk-cell' not in html
    assert "Рассчитанных рисковых профилей доступных вам школ пока нет." in html


def test_columns_join_the_factors_of_every_version_in_the_newest_order(
    cast: Cast, campaign: Campaign, profiles: dict[str, Profile]
) -> None:
    old = campaign.version
    definition = dict(old.definition)
    definition["factors"] = [{"code": "bullying", "name": "Травля", "description": ""},
                             *reversed(old.definition["factors"])]
    first = old.definition["indicators"][0]
    definition["indicators"] = [*old.definition["indicators"], {**first, "factor": "bullying"}]
    newer = InstrumentVersion.objects.create(instrument=old.instrument, number=old.number + 1, definition=definition)
    again = make_campaign(municipality=cast.m2, schools=[cast.s3], version=newer)
    make_profile(again, cast.s3, {"bullying": ("high", 0.9)})
    built = heatmap_build(cast.alice, year=2026)
    codes = [c.factor for c in built.columns]
    assert codes == ["bullying", *[f["code"] for f in reversed(old.definition["factors"])]]
    s1 = next(r for r in built.rows if r.school == cast.s1)
    assert s1.cells[0] is None  # the old version has no such factor
    assert next(s for s in built.shares if s.column.factor == "bullying").total == 1
    html = page(cast.alice)
    assert 'title="Травля"' in html and cells(html)["1003"]["bullying"] == "high"
