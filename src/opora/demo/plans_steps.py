"""One demo school's year of documents, step by step through the plans services, each step
dated (by `Clock`) around the calendar's due dates."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from opora.core.models import School, User
from opora.demo import plans_texts as texts
from opora.demo.plans_clock import Clock, moment
from opora.plans.models import Document, DocumentKind, Measure, MeasureStatus
from opora.plans.services.documents import antirisk_ensure, document_create, document_save, selected_factors
from opora.plans.services.measures import measure_report, measures_pull, report_prefill, roadmap_ensure
from opora.plans.services.review import comment_add, comment_resolve, document_approve, document_return, document_submit

K = DocumentKind
# Measures whose deadline passed: done on time, on time, late, still in progress, on time, not begun.
PAST = ("on_time", "on_time", "late", "in_progress", "on_time", "planned")


class Steps:
    def __init__(self, *, seed: int, school: School, year: int, head: User, reviewer: User, coordinator: User,
                 due: dict[str, date], clock: Clock, today: date) -> None:
        self.seed, self.school, self.year = seed, school, year
        self.head, self.reviewer, self.coordinator = head, reviewer, coordinator
        self.due, self.clock, self.today = due, clock, today
        self.rng = texts.rng(seed, "steps", school.code)
        self.factors = {f.factor: f.name for f in selected_factors(school, year)}
        self.documents = 0
        self.measures = 0

    def at(self, kind: str, days: int, hour: int = 11) -> datetime:
        return moment(self.due[kind] + timedelta(days=days), hour)

    # --- the single steps ------------------------------------------------------------------------

    def create(self, kind: str, days: int) -> Document:
        document = document_create(actor=self.head, school=self.school, year=self.year, kind=kind)
        self.clock.document(document, self.at(kind, days))
        self.documents += 1
        return document

    def save(self, document: Document, content: dict[str, Any]) -> Document:
        return document_save(actor=self.head, document=document, content=content, lock_version=document.lock_version)

    def submit(self, document: Document, at: datetime) -> None:
        self.clock.transition(document_submit(actor=self.head, document=document,
                                              lock_version=document.lock_version), at)

    def approve(self, document: Document, at: datetime, comment: str = "") -> None:
        self.clock.transition(document_approve(actor=self.reviewer, document=document,
                                               lock_version=document.lock_version, comment=comment), at)

    def return_(self, document: Document, at: datetime, comment: str, sections: list[str]) -> None:
        self.clock.transition(document_return(actor=self.reviewer, document=document, comment=comment,
                                              sections=sections, lock_version=document.lock_version), at)

    def remark(self, document: Document, at: datetime, text: str, *, actor: User | None = None, section: str = "",
               measure: Measure | None = None, reply: str = "", reply_at: datetime | None = None) -> None:
        """A reviewer's comment, and the head's answer in its thread."""
        first = comment_add(actor=actor or self.reviewer, document=document, text=text, section=section,
                            measure=measure)
        self.clock.comment(first, at)
        if reply:
            answer = comment_add(actor=self.head, document=document, text=reply, section=section, measure=measure,
                                 parent=first)
            self.clock.comment(answer, reply_at or at + timedelta(days=1))
            comment_resolve(actor=self.reviewer, comment=first)
            self.clock.resolve(first, (reply_at or at) + timedelta(days=1, hours=2))

    # --- the documents ---------------------------------------------------------------------------

    def concept(self, *, submit: int, approve: int, returned: bool = False) -> Document:
        factors = list(self.factors.values())
        document = self.create(K.CONCEPT, submit - 12)
        document = self.save(document, texts.concept_first_draft(self.seed, self.school.code, self.year, factors)
                             if returned else texts.concept(self.seed, self.school.code, self.year, factors))
        self.submit(document, self.at(K.CONCEPT, submit))
        if returned:
            back = self.at(K.CONCEPT, submit + 3, 15)
            self.return_(document, back, texts.RETURN_COMMENTS[0], ["goals", "indicators"])
            self.remark(document, back + timedelta(minutes=5), texts.SECTION_COMMENTS["indicators"],
                        section="indicators", reply=texts.HEAD_REPLIES[0], reply_at=self.at(K.CONCEPT, submit + 5))
            full = texts.concept(self.seed, self.school.code, self.year, factors)
            document = self.save(document, {"goals": full["goals"], "indicators": full["indicators"]})
            self.submit(document, self.at(K.CONCEPT, submit + 5, 16))
        self.approve(document, self.at(K.CONCEPT, approve, 14), self.rng.choice(texts.APPROVE_NOTES))
        return document

    def programme(self, *, submit: int, approve: int | None) -> Document:
        document = self.create(K.PROGRAMME, submit - 15)
        document = self.save(document, texts.programme(self.seed, self.school.code, self.year,
                                                       list(self.factors.values())))
        self.submit(document, self.at(K.PROGRAMME, submit))
        if approve is not None:
            self.approve(document, self.at(K.PROGRAMME, approve, 15))
        return document

    def antirisks(self, *, submit: int, approve: int) -> None:
        if not self.factors:
            return
        for i, document in enumerate(antirisk_ensure(actor=self.head, school=self.school, year=self.year)):
            self.clock.document(document, self.at(K.ANTIRISK, submit - 20))
            self.documents += 1
            document = self.save(document, texts.antirisk_for(self.year, document.factor))
            self.submit(document, self.at(K.ANTIRISK, submit + i, 12 + i))
            self.approve(document, self.at(K.ANTIRISK, approve + i, 15))

    def roadmap(self, *, submit: int | datetime, approve: int | None, remark: bool = False) -> Document:
        document = roadmap_ensure(actor=self.head, school=self.school, year=self.year)
        self.clock.document(document, self.at(K.ROADMAP, -14 if isinstance(submit, datetime) else submit - 10))
        self.documents += 1
        self.measures += measures_pull(actor=self.head, roadmap=document, lock_version=document.lock_version)
        self.submit(document, submit if isinstance(submit, datetime) else self.at(K.ROADMAP, submit))
        if remark:
            measure = document.measures.exclude(factor="").order_by("position").first()
            if measure is not None:
                self.remark(document, self.at(K.ROADMAP, submit + 2 if isinstance(submit, int) else 0),
                            texts.MEASURE_COMMENTS[0], measure=measure, reply=texts.MEASURE_REPLY)
        if approve is not None:
            self.approve(document, self.at(K.ROADMAP, approve, 16))
        return document

    def execute(self, roadmap: Document) -> None:
        """Report the measures: most of the due ones done (a few late), some overdue, the rest under way."""
        for i, m in enumerate(roadmap.measures.order_by("position", "pk")):
            if m.due_on is None:
                continue
            fact, evidence = self.rng.choice(texts.MEASURE_FACTS), f"{texts.EVIDENCE}{self.school.code}/{i + 1}"
            if m.due_on < self.today:
                how = PAST[i % len(PAST)]
                if how == "on_time":
                    done = max(m.due_on - timedelta(days=self.rng.randint(0, 6)), m.starts_on or m.due_on)
                    measure_report(actor=self.head, measure=m, status=MeasureStatus.DONE, done_on=min(done, self.today),
                                   fact=fact, evidence=evidence)
                elif how == "late":
                    done = min(m.due_on + timedelta(days=self.rng.randint(5, 25)), self.today)
                    measure_report(actor=self.head, measure=m, status=MeasureStatus.DONE, done_on=done,
                                   fact=texts.MEASURE_FACTS[3], evidence=evidence)
                elif how == "in_progress":
                    measure_report(actor=self.head, measure=m, status=MeasureStatus.IN_PROGRESS, done_on=None,
                                   fact="Начато, завершение перенесено.", evidence="")
            elif i % 3 == 0 and (m.starts_on is None or m.starts_on <= self.today):
                measure_report(actor=self.head, measure=m, status=MeasureStatus.IN_PROGRESS, done_on=None,
                               fact="Выполняется по плану.", evidence="")

    def report(self, kind: str, *, submit: int | None, approve: int | None) -> Document:
        document = self.create(kind, (submit or 0) - 10)
        document = report_prefill(actor=self.head, document=document, lock_version=document.lock_version)
        if submit is None:
            return document
        indicators = [{**item, "fact": item["plan"] if i % 2 == 0 else "частично, работа продолжается",
                       "comment": "" if i % 2 == 0 else "Срок достижения — конец года."}
                      for i, item in enumerate(document.content.get("indicators") or [])]
        share = self.rng.randint(70, 90)
        conclusions = texts.CONCLUSIONS_HALF if kind == K.REPORT_HALF else texts.CONCLUSIONS_YEAR.format(share=share)
        document = self.save(document, {"indicators": indicators, "conclusions": conclusions})
        self.submit(document, self.at(kind, submit))
        if approve is not None:
            self.approve(document, self.at(kind, approve, 15))
        return document

    # --- the scenarios ---------------------------------------------------------------------------

    def play(self, scenario: str) -> None:
        getattr(self, f"_{scenario}")()

    def _head(self) -> None:
        self.concept(submit=-4, approve=4, returned=True)
        self.programme(submit=-5, approve=-2)
        self.antirisks(submit=-4, approve=-1)
        self.execute(self.roadmap(submit=-4, approve=0, remark=True))
        self.report(K.REPORT_HALF, submit=-2, approve=3)
        self.report(K.REPORT_YEAR, submit=None, approve=None)

    def _approved(self) -> None:
        self.concept(submit=-3, approve=2)
        self.programme(submit=-3, approve=1)
        self.antirisks(submit=-3, approve=2)
        self.execute(self.roadmap(submit=-2, approve=2))
        self.report(K.REPORT_HALF, submit=-1, approve=4)

    def _returned(self) -> None:
        document = self.create(K.CONCEPT, -10)
        document = self.save(document, texts.concept_first_draft(self.seed, self.school.code, self.year,
                                                                 list(self.factors.values())))
        self.submit(document, self.at(K.CONCEPT, 3))
        back = self.at(K.CONCEPT, 8, 15)
        self.return_(document, back, texts.RETURN_COMMENTS[1], ["analysis", "indicators"])
        self.remark(document, back + timedelta(minutes=5), texts.SECTION_COMMENTS["analysis"], section="analysis")
        programme = self.create(K.PROGRAMME, 5)
        draft = texts.programme(self.seed, self.school.code, self.year, list(self.factors.values()))
        self.save(programme, {"goals": draft["goals"], "tasks": draft["tasks"]})

    def _waiting(self) -> None:
        self.concept(submit=10, approve=16)
        self.programme(submit=12, approve=18)
        self.antirisks(submit=14, approve=20)
        self.roadmap(submit=moment(self.today - timedelta(days=3 + self.rng.randint(0, 2)), 10), approve=None)

    def _not_started(self) -> None:
        return None
