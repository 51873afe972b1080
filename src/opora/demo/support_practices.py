"""Demo: the practices bank of the demo municipality (mun.coord's): practices published (some public),
one waiting for review from the head's school, one returned with a comment, a teacher's draft.

Written and reviewed through the services (so the history rows are real), then dated in the past."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from opora.core.models import Role, RoleAssignment, School, User
from opora.support.models.practices import Practice, PracticeTransition
from opora.support.services import practices as service


@dataclass(frozen=True)
class Sample:
    title: str
    problem: str
    actions: str
    results: str
    tags: str
    subjects: tuple[str, ...]
    factors: tuple[str, ...]


SAMPLES: tuple[Sample, ...] = (
    Sample("Наставничество «учитель — учитель» для молодых педагогов",
           "За два года из школы ушли четверо молодых учителей; на уроках начинающих педагогов доля «2» по ВПР "
           "была вдвое выше, чем у опытных коллег.",
           "За каждым учителем со стажем до трёх лет закрепили наставника; еженедельные взаимопосещения уроков, "
           "разбор результатов диагностических работ, общий план самообразования.",
           "Все молодые учителя остались в школе; доля отметок «2» по ВПР в их классах снизилась с 21% до 12%.",
           "наставничество, молодые учителя, взаимопосещения", ("rus", "math"),
           ("professional_development", "teacher_competence")),
    Sample("Мировое кафе «Как поднять результаты по математике»",
           "Учителя математики работали поодиночке, результаты ВПР в 5–6 классах снижались три года подряд.",
           "Провели методическую сессию в формате «мировое кафе» с учителями школы-партнёра: три стола "
           "(оценивание, работа с отстающими, домашние задания), итоговые решения в план МО.",
           "Единые требования к оцениванию; доля учеников, подтвердивших отметку по ВПР, выросла до 74%.",
           "мировое кафе, математика, сетевое взаимодействие", ("math",), ("teacher_competence", "adaptivity")),
    Sample("Индивидуальные маршруты для учеников группы риска",
           "Каждый пятый ученик 7–8 классов имел по итогам четверти неудовлетворительные отметки.",
           "Классные руководители и психолог составили для каждого ученика группы риска индивидуальный маршрут: "
           "консультации после уроков, тьютор из старшеклассников, еженедельный контроль.",
           "Неуспевающих по итогам года стало втрое меньше; никто не оставлен на повторное обучение.",
           "группа риска, индивидуальный маршрут, тьюторство", ("rus", "math"), ("failing_pupils", "adaptivity")),
    Sample("Методический десант школы-партнёра",
           "Учителя начальных классов не умели работать с результатами диагностик и планировать коррекцию.",
           "Педагоги школы-партнёра провели в школе два дня открытых уроков и мастер-классов, затем разобрали "
           "вместе с учителями результаты ВПР 4 класса и составили план коррекционной работы.",
           "План коррекции выполнен полностью; результаты ВПР 4 класса по русскому языку выше муниципальных.",
           "методический десант, начальная школа, анализ результатов", ("rus",), ("teacher_competence",)),
    Sample("Читательский клуб для 5–7 классов",
           "Ученики плохо понимали тексты заданий: ошибки смыслового чтения во всех предметах.",
           "Раз в неделю — читательский клуб с обсуждением коротких текстов, задания на смысловое чтение "
           "на каждом уроке, общая для всех учителей памятка.",
           "Доля выполнивших задания на смысловое чтение в ВПР выросла с 48% до 63%.",
           "читательская грамотность, смысловое чтение", ("rus", "hist", "bio"), ("adaptivity", "failing_pupils")),
    Sample("Дежурство учителей и правила класса",
           "На уроках много времени уходило на дисциплину, жалобы родителей на обстановку в школе.",
           "Правила класса приняли вместе с учениками, ввели дежурство учителей на переменах и школьную службу "
           "примирения, провели коуч-сессию для классных руководителей.",
           "Число нарушений дисциплины за полугодие снизилось вдвое; по анкете ученикам в школе стало спокойнее.",
           "дисциплина, школьная среда, служба примирения", (), ("discipline", "environment")),
    Sample("Сетевые уроки физики с оборудованием школы-партнёра",
           "В школе нет лаборатории физики, лабораторные работы проводились по видео.",
           "По договору о сетевом взаимодействии ученики 8–9 классов раз в месяц выполняют лабораторные работы "
           "в кабинете школы-партнёра; учитель школы-партнёра ведёт часть занятий.",
           "Все лабораторные работы программы выполнены вживую; средний балл ОГЭ по физике вырос на 3 балла.",
           "сетевое взаимодействие, физика, оборудование", ("phys",), ("equipment",)),
    Sample("Деловая игра для педсовета по анализу результатов",
           "Педагоги воспринимали результаты оценочных процедур как проверку, а не как данные для работы.",
           "Педсовет в форме деловой игры: команды учителей по реальным данным школы находили причины ошибок "
           "и предлагали меры; лучшие предложения вошли в дорожную карту.",
           "Каждое МО разработало план по результатам; решения педсовета выполнены в срок.",
           "деловая игра, педсовет, анализ результатов", (), ("professional_development",)),
)

# What happens to each sample, in order: published (public or not), waiting, returned, draft.
FATES = ("public", "public", "published", "public", "published", "submitted", "returned", "draft")


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def practices_demo_load(*, seed: int) -> dict[str, int]:
    """Create the demo's practices; returns counts by kind for the summary line."""
    coord = RoleAssignment.objects.filter(user__username="mun.coord", role=Role.MUNICIPAL_COORDINATOR,
                                          municipality__isnull=False).select_related("municipality").first()
    methodist, mun_coord = _user("methodist"), _user("mun.coord")
    if coord is None or methodist is None or mun_coord is None:
        return {}
    municipality = coord.municipality
    heads: dict[int, User] = {}
    for a in (RoleAssignment.objects.filter(role=Role.SCHOOL_HEAD, school__municipality=municipality)
              .select_related("user").order_by("school__code", "pk")):
        if a.school_id is not None:  # filtered by school
            heads.setdefault(a.school_id, a.user)
    head_assignment = RoleAssignment.objects.filter(user__username="head", role=Role.SCHOOL_HEAD).first()
    teacher = _user("teacher")
    head_school = head_assignment.school if head_assignment else None
    rng = random.Random(seed * 7919 + 5)
    others = [s for s in School.objects.filter(municipality=municipality, pk__in=list(heads)).order_by("code")
              if head_school is None or s.pk != head_school.pk]
    rng.shuffle(others)
    now = timezone.now()
    counts = {"practices": 0, "practices_published": 0}
    for index, (sample, fate) in enumerate(zip(SAMPLES, FATES, strict=True)):
        if fate in ("submitted", "returned") and head_school is not None:
            school, author = head_school, heads.get(head_school.pk) or methodist
        elif fate == "draft" and head_school is not None and teacher is not None:
            school, author = head_school, teacher
        elif others:
            school = others[index % len(others)]
            author = heads[school.pk]
        else:
            continue
        if not service.may_write(author, school):
            continue
        practice = service.practice_create(
            actor=author, school=school, title=sample.title, problem=sample.problem, actions=sample.actions,
            results=sample.results, tags=sample.tags, subjects=list(sample.subjects),
            risk_factors=list(sample.factors), is_public=fate == "public")
        counts["practices"] += 1
        started = now - timedelta(days=200 - index * 20 + rng.randint(0, 9))
        if fate == "draft":
            Practice.objects.filter(pk=practice.pk).update(created_at=started, updated_at=started)
            continue
        service.practice_transition(actor=author, practice=practice, action="submit")
        reviewer = methodist if author != methodist else mun_coord
        submitted = started + timedelta(days=3)
        reviewed = submitted + timedelta(days=rng.randint(2, 8))
        if fate in ("public", "published"):
            service.practice_transition(actor=reviewer, practice=practice, action="publish")
            counts["practices_published"] += 1
            Practice.objects.filter(pk=practice.pk).update(created_at=started, submitted_at=submitted,
                                                           published_at=reviewed, updated_at=reviewed)
        elif fate == "returned":
            service.practice_transition(actor=reviewer, practice=practice, action="return",
                                        comment="Добавьте цифры: как изменились результаты и за какой срок.")
            Practice.objects.filter(pk=practice.pk).update(created_at=started, submitted_at=submitted,
                                                           updated_at=reviewed)
        else:
            Practice.objects.filter(pk=practice.pk).update(created_at=started, submitted_at=submitted,
                                                           updated_at=submitted)
        steps = list(PracticeTransition.objects.filter(practice=practice).order_by("pk"))
        for step, at in zip(steps, (submitted, reviewed), strict=False):
            PracticeTransition.objects.filter(pk=step.pk).update(at=at)
    return counts
