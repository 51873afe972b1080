from django.urls import path

from opora.plans.views import attachments, board, calendar, documents, measures, review

app_name = "plans"
urlpatterns = [
    path("", board.workspace, name="home"),
    path("board/", board.board, name="board"),
    path("calendar/", calendar.calendar, name="calendar"),
    path("schools/<str:code>/<int:year>/", documents.school_year, name="school_year"),
    path("schools/<str:code>/<int:year>/new/<slug:kind>/", documents.document_new, name="document_new"),
    path("documents/<int:pk>/", documents.document_detail, name="document"),
    path("documents/<int:pk>/edit/", documents.document_edit, name="document_edit"),
    path("documents/<int:pk>/check/", documents.document_check, name="document_check"),
    path("documents/<int:pk>/submit/", review.document_submit, name="document_submit"),
    path("documents/<int:pk>/return/", review.document_return, name="document_return"),
    path("documents/<int:pk>/approve/", review.document_approve, name="document_approve"),
    path("documents/<int:pk>/comments/", review.comment_add, name="comment_add"),
    path("documents/<int:pk>/comments/<int:comment_id>/resolve/", review.comment_resolve, name="comment_resolve"),
    path("documents/<int:pk>/revisions/<int:number>/", review.revision_detail, name="revision"),
    path("documents/<int:pk>/diff/", review.revision_diff, name="diff"),
    path("documents/<int:pk>/measures/", measures.measure_list, name="measures"),
    path("documents/<int:pk>/measures/pull/", measures.measures_pull, name="measures_pull"),
    path("documents/<int:pk>/measures/new/", measures.measure_new, name="measure_new"),
    path("documents/<int:pk>/measures/<int:measure_id>/", measures.measure_edit, name="measure_edit"),
    path("documents/<int:pk>/measures/<int:measure_id>/report/", measures.measure_report, name="measure_report"),
    path("documents/<int:pk>/measures/<int:measure_id>/delete/", measures.measure_delete, name="measure_delete"),
    path("documents/<int:pk>/export.<str:fmt>", attachments.document_export, name="export"),
    path("documents/<int:pk>/attachments/", attachments.attachment_upload, name="attachment_upload"),
    path("attachments/<int:attachment_id>/", attachments.attachment_download, name="attachment"),
    path("attachments/<int:attachment_id>/delete/", attachments.attachment_delete, name="attachment_delete"),
]
