"""What a page does with a service's refusal: ValidationFailed shows its Russian messages on the
form (which keeps what was typed); AccessDenied is left to core.middleware.AccessDeniedMiddleware,
which answers with the 403 page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from opora.core.errors import ValidationFailed


@dataclass
class ServiceCall:
    failed: bool = False


@contextmanager
def form_service_errors(form: forms.BaseForm) -> Iterator[ServiceCall]:
    """Run service calls inside; `call.failed` tells whether their messages went onto `form`."""
    call = ServiceCall()
    try:
        yield call
    except ValidationFailed as error:
        for message in error.messages:
            form.add_error(None, message)
        call.failed = True


@contextmanager
def message_service_errors(request: HttpRequest) -> Iterator[ServiceCall]:
    """The same for an action without a form (a button): the messages go to the next page."""
    call = ServiceCall()
    try:
        yield call
    except ValidationFailed as error:
        for message in error.messages:
            messages.error(request, message)
        call.failed = True
