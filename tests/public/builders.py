"""A public programme (the known one of tests/programmes) with everything around it: what the
public pages must show and, next to it, private things they must never show (`PRIVATE`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from opora.diagnostics.models import Profile, ProfileFactor, ProfileStatus
from opora.plans.models import Comment, DocState, DocumentKind
from opora.programmes.models import Programme
from opora.programmes.services import programme_create
from opora.public.models import News
from opora.support.models import Event
from opora.support.models.events import Participant
from opora.support.models.meetings import Decision, DecisionOwner, Meeting
from opora.support.models.practices import Practice, PracticeState
from opora.support.models.visits import Visit
from tests.conftest import Cast
from tests.diagnostics.builders import make_campaign, shipped_version
from tests.plans.builders import make_document
from tests.programmes.builders import known_programme
from tests.staff.builders import make_staff

# What a visitor must see.
FACTOR_CHOSEN = "Низкая учебная мотивация обучающихся"
APPROVED_TITLE = "Дорожная карта МБОУ СОШ № 1 на 2026 год"
EVENT_TITLE = "Семинар «Формирующее оценивание»"
PRACTICE_TITLE = "Наставничество молодых учителей"
NEWS_TITLE = "Итоги первого года программы"
GOALS = "Повышение качества образования в школах с низкими результатами"

# What a visitor must never see (names of people, contacts, comments, drafts, documents under review,
# unpublished practices and news, decision evidence, visit findings, a programme not made public).
PRIVATE = [
    "Смирнова", "Зыкова", "Лосев", "Баранова", "Клокова", "Мальцева",  # users of the cast
    "@example.org", "+7 914 555-12-34",  # e-mails, phones
    "Пётр Секретов",  # a teacher in the staff registry
    "Иван Участников",  # an event's participant
    "Ответственнов",  # an event's responsible person
    "Описание для своих",  # an event's internal description
    "Отменённый семинар",  # a cancelled event
    "Замечание проверяющего",  # a reviewer's comment on a document
    "Черновик концепции", "Программа на проверке", "Возвращённая программа",  # drafts, under review, returned
    "Фактор без проверки",  # a factor chosen on a profile not verified
    "Уровень понижен по итогам беседы",  # the reason a level was changed
    "Практика-черновик", "Практика на проверке", "Практика на доработке", "Непубличная практика",
    "Комментарий рецензента",  # a practice reviewer's comment
    "Неопубликованная новость",
    "Протокол подписан, скан в деле",  # decision evidence
    "Решение о кадрах",  # a decision text
    "Выводы визита",  # visit findings
    "Закрытая программа",  # a programme not made public
]


@dataclass
class World:
    programme: Programme
    hidden_programme: Programme
    practice: Practice
    news: News
    draft_news: News


def public_world(cast: Cast) -> World:
    programme = known_programme(cast)
    programme.is_public = True
    programme.goals = GOALS
    programme.save()
    hidden = programme_create(actor=cast.maria, region=cast.r10, municipality=cast.m1, code="m1-closed",
                              title="Закрытая программа", start_year=2026, end_year=2026, schools=[cast.s1])
    cast.maria.phone = "+7 914 555-12-34"
    cast.maria.save()

    # Risk factors: a verified profile with a chosen factor (shown), a computed one (not shown).
    version = shipped_version()
    campaign = make_campaign(municipality=cast.m1, schools=[cast.s1, cast.s2], year=2026, created_by=cast.maria)
    cs1, cs2 = campaign.schools.order_by("school__code")
    p1 = Profile.objects.create(campaign_school=cs1, version=version, status=ProfileStatus.VERIFIED)
    ProfileFactor.objects.create(profile=p1, factor="motivation", name=FACTOR_CHOSEN, selected=True, level="high",
                                 verified_level="medium", verified_reason="Уровень понижен по итогам беседы")
    ProfileFactor.objects.create(profile=p1, factor="other", name="Фактор не выбранный школой", level="high")
    p2 = Profile.objects.create(campaign_school=cs2, version=version, status=ProfileStatus.COMPUTED)
    ProfileFactor.objects.create(profile=p2, factor="motivation", name="Фактор без проверки", selected=True)

    # Documents: approved (shown), draft, submitted and returned (never shown), a reviewer's comment.
    approved = make_document(cast.s1, DocumentKind.ROADMAP, state=DocState.APPROVED)
    approved.title = APPROVED_TITLE
    approved.save()
    for state, title in ((DocState.DRAFT, "Черновик концепции"), (DocState.SUBMITTED, "Программа на проверке"),
                         (DocState.RETURNED, "Возвращённая программа")):
        kind = {DocState.DRAFT: DocumentKind.CONCEPT, DocState.SUBMITTED: DocumentKind.PROGRAMME,
                DocState.RETURNED: DocumentKind.PROGRAMME}[state]
        school = cast.s2 if state == DocState.RETURNED else cast.s1
        doc = make_document(school, kind, state=state)
        doc.title = title
        doc.save()
    Comment.objects.create(document=approved, author=cast.maria, text="Замечание проверяющего")

    # Events: one held with participants, one cancelled.
    event = Event.objects.create(region=cast.r10, municipality=cast.m1, title=EVENT_TITLE, kind="seminar",
                                 starts_on=date(2026, 10, 14), place="актовый зал", venue_school=cast.s1,
                                 responsible="Ответственнов А. А.", description="Описание для своих")
    Participant.objects.create(event=event, school=cast.s1, full_name="Иван Участников", position="учитель")
    Event.objects.create(region=cast.r10, municipality=cast.m1, title="Отменённый семинар", kind="seminar",
                         starts_on=date(2026, 11, 1), status="cancelled")
    make_staff(cast.s1, "Пётр Секретов")

    # Practices: only the published public one is shown.
    now = timezone.now()
    practice = Practice.objects.create(school=cast.s1, title=PRACTICE_TITLE, problem="Уходят молодые учителя",
                                       actions="Пары наставников", results="Остались все", is_public=True,
                                       state=PracticeState.PUBLISHED, published_at=now, author=cast.sam,
                                       review_comment="Комментарий рецензента")
    for state, title, public in ((PracticeState.DRAFT, "Практика-черновик", True),
                                 (PracticeState.SUBMITTED, "Практика на проверке", True),
                                 (PracticeState.RETURNED, "Практика на доработке", True),
                                 (PracticeState.PUBLISHED, "Непубличная практика", False)):
        Practice.objects.create(school=cast.s1, title=title, problem="п", actions="д", results="р", state=state,
                                is_public=public, author=cast.sam)

    # Meetings, decisions and visits stay private.
    meeting = Meeting.objects.create(region=cast.r10, municipality=cast.m1, title="Совещание директоров",
                                     held_on=date(2026, 2, 1), chair="Зыкова М. И.")
    decision = Decision.objects.create(meeting=meeting, text="Решение о кадрах")
    DecisionOwner.objects.create(decision=decision, school=cast.s1, evidence="Протокол подписан, скан в деле")
    Visit.objects.create(school=cast.s1, kind="monitoring", held_on=date(2026, 4, 2), purpose="Проверка",
                         findings="Выводы визита")

    news = News.objects.create(region=cast.r10, municipality=cast.m1, title=NEWS_TITLE, body="Текст новости.",
                               is_published=True, published_at=now, created_by=cast.maria)
    draft_news = News.objects.create(region=cast.r10, title="Неопубликованная новость", body="Черновик.",
                                     created_by=cast.alice)
    return World(programme=programme, hidden_programme=hidden, practice=practice, news=news, draft_news=draft_news)
