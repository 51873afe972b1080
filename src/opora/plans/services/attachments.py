"""Files attached to a school document (its signed copy, supporting papers) or to a roadmap
measure (evidence of execution).

Only what the school needs is accepted — PDF, DOCX, XLSX, PNG, JPEG — checked by the name's
extension AND by the content's signature, so a renamed program is refused. The stored file gets
a random name under MEDIA_ROOT/plans/; the user's name, sanitised, is kept for display and
download. Files are served only through the download view, which checks VIEW_PLANS.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from opora.core.errors import AccessDenied, ValidationFailed
from opora.core.models import User
from opora.plans import selectors
from opora.plans.models import Attachment, DocState, Document, Measure


class _Upload(Protocol):
    name: str
    file: Any  # a FileField's FieldFile

    def save(self) -> None: ...


StoredFile = TypeVar("StoredFile", bound=_Upload)


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    zip_folder: str = ""  # OOXML: the folder a real file of this kind holds


KINDS: dict[str, Kind] = {
    ".pdf": Kind("PDF", "application/pdf"),
    ".docx": Kind("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/"),
    ".xlsx": Kind("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/"),
    ".png": Kind("PNG", "image/png"),
    ".jpg": Kind("JPEG", "image/jpeg"),
    ".jpeg": Kind("JPEG", "image/jpeg"),
}
ACCEPT = ",".join(KINDS)
NAME_MAX = 120
EDITABLE = (DocState.DRAFT, DocState.RETURNED)
SIGNED_STATES = (*EDITABLE, DocState.APPROVED)  # a signed copy can only exist once approved, but may come early


def sanitise_name(raw: str, *, fallback: str = "file") -> str:
    """A safe display name: no folders, no control characters, letters (Cyrillic too), digits and
    `._-()№`, spaces as underscores, at most 120 characters with the extension kept."""
    name = PurePath(str(raw or "").replace("\\", "/")).name
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", "_", name.strip())
    name = re.sub(r"[^\w.()№-]", "", name)
    name = re.sub(r"_{2,}", "_", name).strip("._-")
    stem, dot, ext = name.rpartition(".")
    if not dot or not re.fullmatch(r"\w{1,10}", ext):
        stem, ext = name, ""
    ext = f".{ext.lower()}" if ext else ""
    stem = stem.rstrip(".") or fallback
    return stem[: NAME_MAX - len(ext)].rstrip("._-") + ext


def _signature_ok(upload: UploadedFile, kind: Kind) -> bool:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if kind.label == "PDF":
        return head.startswith(b"%PDF-")
    if kind.label == "PNG":
        return head == b"\x89PNG\r\n\x1a\n"
    if kind.label == "JPEG":
        return head.startswith(b"\xff\xd8\xff")
    if not head.startswith(b"PK\x03\x04"):
        return False
    if upload.file is None:  # never: it was read above
        return False
    try:
        with zipfile.ZipFile(upload.file) as archive:  # the listing only: nothing is unpacked
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(n.startswith(kind.zip_folder) for n in names)


def check_upload(upload: UploadedFile) -> tuple[str, Kind]:
    """The sanitised name and the kind, or ValidationFailed with a message the user can act on."""
    name = sanitise_name(upload.name or "")
    ext = PurePath(name).suffix.lower()
    kind = KINDS.get(ext)
    if kind is None:
        raise ValidationFailed(_("A file of type %(ext)s is not accepted: allowed are PDF, DOCX, XLSX, PNG, JPEG.")
                               % {"ext": ext or _("without extension")})
    size = upload.size or 0
    if size > settings.PLANS_ATTACHMENT_MAX_BYTES:
        raise ValidationFailed(_("The file is larger than %(size)s.")
                               % {"size": filesizeformat(settings.PLANS_ATTACHMENT_MAX_BYTES)})
    if size == 0:
        raise ValidationFailed(_("The file is empty."))
    if not _signature_ok(upload, kind):
        raise ValidationFailed(_("The file's content is not %(kind)s, although its name ends in %(ext)s.")
                               % {"kind": kind.label, "ext": ext})
    return name, kind


def save_upload(item: StoredFile, upload: UploadedFile) -> StoredFile:
    """Store a checked upload under a random name and save its row (the file goes if the row fails).
    `item` is an unsaved model instance with a `file` field and the sanitised `name`."""
    item.file.save(f"{uuid.uuid4().hex}{PurePath(item.name).suffix.lower()}", upload, save=False)
    try:
        item.save()
    except Exception:
        item.file.delete(save=False)
        raise
    return item


def _may_edit(actor: User, document: Document) -> None:
    if not selectors.may_edit(actor, document):
        raise AccessDenied(_("Only the school head attaches and removes files."))


@transaction.atomic
def attachment_add(*, actor: User, document: Document, upload: UploadedFile, signed: bool = False,
                   measure: Measure | None = None) -> Attachment:
    _may_edit(actor, document)
    if measure is not None:
        if measure.document_id != document.pk:
            raise ValidationFailed(_("The measure belongs to another document."))
        signed = False  # evidence of a measure is never the document's signed copy
    elif document.state not in (SIGNED_STATES if signed else EDITABLE):
        raise ValidationFailed(
            _("Files are attached while the document is a draft or returned for revision; "
              "after approval only its signed copy."))
    name, kind = check_upload(upload)
    return save_upload(Attachment(document=document, measure=measure, name=name, content_type=kind.content_type,
                                  size=upload.size or 0, signed=signed, uploaded_by=actor), upload)


def may_delete(user: User, attachment: Attachment) -> bool:
    document = attachment.document
    if not selectors.may_edit(user, document):
        return False
    if attachment.measure_id is not None:
        return True
    return document.state in (SIGNED_STATES if attachment.signed else EDITABLE)


@transaction.atomic
def attachment_delete(*, actor: User, attachment: Attachment) -> None:
    _may_edit(actor, attachment.document)
    if not may_delete(actor, attachment):
        raise ValidationFailed(_("The document is under review or approved: its files stay as they are."))
    storage, path = attachment.file.storage, attachment.file.name
    attachment.delete()
    # The file goes only when the row is really gone.
    transaction.on_commit(lambda: storage.delete(path) if path else None)


def attachment_get(user: User, pk: int) -> Attachment:
    """An attachment of a document the user may see (AccessDenied otherwise: pages answer 404)."""
    attachment = (Attachment.objects.select_related("document__school", "measure", "uploaded_by")
                  .filter(pk=pk, document__in=selectors.documents_for(user)).first())
    if attachment is None:
        raise AccessDenied()
    return attachment
