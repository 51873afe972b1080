"""The upload form of a document's (or a measure's) files. Type, size and content are checked by
the service (`services/attachments.check_upload`), so every way in obeys the same rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.plans.services.attachments import ACCEPT


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, DOCX, XLSX, PNG, JPEG)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    signed = forms.BooleanField(label=_("Signed copy"), required=False)
    measure = forms.IntegerField(required=False, widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
