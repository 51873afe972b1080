"""What changed between two revisions: words in texts, items in lists, fields of measures."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from opora.plans.diff import Run, revision_diff, text_runs
from opora.plans.models import Document, DocumentKind, MeasureStatus
from opora.plans.services.review import document_return, document_submit
from tests.conftest import Cast
from tests.plans.builders import add_measure, complete_content, make_document


def by_key(old: dict, new: dict, kind: str = DocumentKind.CONCEPT) -> dict:
    return {s.key: s for s in revision_diff(old, new, kind)}


def test_a_changed_word_is_deleted_and_inserted_and_the_rest_kept() -> None:
    runs = text_runs("Школа работает в одну смену.", "Школа работает в две смены.")
    assert [r for r in runs if r.op != "same"] == [Run("del", "одну смену."), Run("ins", "две смены.")]
    assert "".join(r.text for r in runs if r.op != "ins") == "Школа работает в одну смену."
    assert "".join(r.text for r in runs if r.op != "del") == "Школа работает в две смены."


def test_unchanged_sections_are_marked_unchanged() -> None:
    content = complete_content(DocumentKind.CONCEPT)
    assert not any(s.changed for s in revision_diff(content, content, DocumentKind.CONCEPT))


def test_list_items_added_removed_and_changed_by_position() -> None:
    old = complete_content(DocumentKind.CONCEPT)
    new = complete_content(DocumentKind.CONCEPT)
    new["indicators"][0]["target"] = "95"
    new["indicators"].append({"name": "Новый показатель", "baseline": "1", "target": "2"})
    new["goals"] = new["goals"][:1]
    diff = by_key(old, new)
    first, second, third = diff["indicators"].items
    assert first.status == "changed" and [(c.key, c.old, c.new) for c in first.changes] == [
        ("target", old["indicators"][0]["target"], "95")]
    assert second.status == "same"
    assert third.status == "added" and third.title == "Новый показатель"
    assert [i.status for i in diff["goals"].items] == ["same", "removed"]
    assert diff["goals"].counts == {"added": 0, "removed": 1, "changed": 0}
    assert not diff["analysis"].changed


def test_measures_show_changed_fields_with_readable_status() -> None:
    measure = {"title": "Семинар", "due_on": "2026-03-01", "responsible": "Завуч", "status": "planned"}
    later = {**measure, "due_on": "2026-04-01", "status": "done"}
    [section] = revision_diff({"measures": [measure]}, {"measures": [later]}, DocumentKind.ROADMAP)
    changes = {c.key: (c.old, c.new) for c in section.items[0].changes}
    assert changes["due_on"] == ("2026-03-01", "2026-04-01")
    assert changes["status"] == (str(MeasureStatus.PLANNED.label), str(MeasureStatus.DONE.label))
    assert set(changes) == {"due_on", "status"}


@pytest.mark.django_db
def test_after_a_resubmission_the_diff_page_shows_exactly_the_changed_text(cast: Cast, concept: Document) -> None:
    document_submit(actor=cast.sam, document=concept, lock_version=0)
    document_return(actor=cast.kate, document=concept, comment="Уточните анализ", sections=["analysis"],
                    lock_version=1)
    Document.objects.filter(pk=concept.pk).update(
        content={**concept.content, "analysis": "Анализ: низкие результаты по математике."})
    concept.refresh_from_db()
    document_submit(actor=cast.sam, document=concept, lock_version=2)
    client = Client()
    client.force_login(cast.kate)
    page = client.get(reverse("plans:diff", args=[concept.pk])).content.decode()
    assert '<ins class="diff-new">Анализ: низкие результаты по математике.</ins>' in page
    assert "<del class=\"diff-old\">" in page
    assert page.count("<ins") == 1  # nothing else changed
    assert page.count('<section class="card diff-section diff-changed"') == 1


@pytest.mark.django_db
def test_the_roadmap_diff_shows_a_moved_deadline(cast: Cast) -> None:
    roadmap = make_document(cast.s1, DocumentKind.ROADMAP, content={})
    measure = add_measure(roadmap, "Семинар")
    document_submit(actor=cast.sam, document=roadmap, lock_version=0)
    document_return(actor=cast.kate, document=roadmap, comment="Сроки", lock_version=1)
    measure.due_on = measure.due_on.replace(month=5)
    measure.save()
    roadmap.refresh_from_db()
    document_submit(actor=cast.sam, document=roadmap, lock_version=2)
    client = Client()
    client.force_login(cast.maria)
    page = client.get(reverse("plans:diff", args=[roadmap.pk])).content.decode()
    assert '<del class="diff-old">2026-03-01</del> → <ins class="diff-new">2026-05-01</ins>' in page
