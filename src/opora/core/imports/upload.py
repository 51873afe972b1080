"""The upload form and keeping an uploaded file until its background task has read it."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opora.core.imports.tabular import ALLOWED_SUFFIXES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_SUFFIXES)}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        if upload.size is not None and upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large: at most %(size)s.")
                % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)}
            )
        if not upload.size:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class SheetUploadForm(UploadForm):
    """An upload for the imports that read one sheet: the user may name it."""

    sheet = forms.CharField(
        label=gettext_lazy("Sheet of the workbook"), required=False, max_length=31,
        help_text=gettext_lazy("only when the data are not on the first sheet; a CSV file has none"),
    )


def upload_save(upload: UploadedFile) -> tuple[Path, str]:
    """Store the file under a random name in IMPORT_UPLOAD_DIR; return it and the shown name."""
    try:
        shown = get_valid_filename(Path(upload.name or "file").name)[-100:]
    except SuspiciousFileOperation:
        shown = "file"
    directory = Path(settings.IMPORT_UPLOAD_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{uuid.uuid4().hex}{Path(shown).suffix.lower()}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path, shown


def uploads_sweep(days: float) -> int:
    """Delete uploaded files older than `days`: those kept for a column mapping nobody made (an
    import deletes its file when it has read it). The number deleted."""
    directory = Path(settings.IMPORT_UPLOAD_DIR)
    if not directory.is_dir():
        return 0
    cutoff = time.time() - days * 86400
    deleted = 0
    for path in directory.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
