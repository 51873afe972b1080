"""What a page does with a service's refusal: AccessDenied is a 403, ValidationFailed shows its
Russian messages on the form (which keeps what was typed)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied

from opora.core.errors import AccessDenied, ValidationFailed


@dataclass
class ServiceCall:
    failed: bool = False


@contextmanager
def form_service_errors(form: forms.BaseForm) -> Iterator[ServiceCall]:
    """Run service calls inside; `call.failed` tells whether their messages went onto `form`."""
    call = ServiceCall()
    try:
        yield call
    except AccessDenied as error:
        raise PermissionDenied from error
    except ValidationFailed as error:
        for message in error.messages:
            form.add_error(None, message)
        call.failed = True
