from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from opora.cases.effects import is_marked, not_objective_works
from opora.core import access, selectors
from opora.results import pages


@login_required
def school_results(request: HttpRequest, code: str) -> HttpResponse:
    """The school's results: one work over the years, its tasks, classes and journal comparison."""
    school = selectors.school_get(request.user, code=code)
    if school is None:
        raise Http404
    works = pages.school_works(school)
    labels = pages.work_labels(works)
    context: dict = {
        "school": school,
        "works": [(p, s, g, *labels[(p, s, g)]) for p, s, g in works],
        "transition": pages.transition(school),
    }
    if works:
        wanted = (
            request.GET.get("procedure", ""),
            request.GET.get("subject", ""),
            int(request.GET["grade"]) if request.GET.get("grade", "").isdigit() else 0,
        )
        procedure, subject, grade = wanted if wanted in works else works[0]
        years = pages.school_years(school, procedure=procedure, subject=subject, grade=grade)
        latest = years[0] if years else None
        member = access.is_school_member(request.user, school)
        tasks = (
            pages.task_rows(school, procedure=procedure, subject=subject, grade=grade, year=latest.year,
                            with_classes=member)
            if latest
            else []
        )
        marked = not_objective_works([school.pk])
        context.update(
            not_objective_years={y for (_pk, y), found in marked.items()
                                 if is_marked(found, procedure, subject, grade)},
            selected=(procedure, subject, grade),
            years=years,
            latest=latest,
            tasks=tasks,
            deficits=pages.deficit_skills(tasks),
            groups=pages.mark_groups(school, procedure=procedure, subject=subject, grade=grade,
                                     year=latest.year) if latest else {},
            classes=pages.school_classes(school, procedure=procedure, subject=subject, grade=grade,
                                         year=latest.year)
            if latest and member else [],
            class_names=sorted({c for t in tasks for c in t["classes"]}),
            can_see_classes=member,
        )
    return render(request, "results/school_results.html", context)
