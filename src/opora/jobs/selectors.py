from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from opora.core import access
from opora.core.models import User
from opora.jobs.models import Job


def jobs_for_user(user: User | AnonymousUser) -> QuerySet[Job]:
    """A user sees the jobs they started; the installation's superuser sees all."""
    if access.is_superuser(user):
        return Job.objects.all()
    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(created_by=user)


def job_get(user: User | AnonymousUser, job_id: str) -> Job | None:
    return jobs_for_user(user).filter(pk=job_id).first()
