from django.urls import path

from opora.identification.views import compare, home, rule_sets, runs, schools

app_name = "identification"
urlpatterns = [
    path("", home.home, name="home"),
    path("runs/", home.run_list, name="runs"),
    path("runs/start/", home.run_start, name="run_start"),
    path("runs/<int:run_id>/", runs.run_detail, name="run"),
    path("runs/<int:run_id>/progress/", home.run_progress, name="run_progress"),
    path("runs/<int:run_id>/approve/", runs.run_approve, name="run_approve"),
    path("runs/<int:run_id>/picture/", runs.run_picture, name="picture"),
    path("runs/<int:run_id>/recompute/", compare.run_recompute, name="recompute"),
    path("runs/<int:run_id>/compare/<int:other_id>/", compare.run_compare, name="compare"),
    path("runs/<int:run_id>/schools/<str:code>/", schools.school_why, name="why"),
    path("runs/<int:run_id>/schools/<str:code>/decision/", schools.school_decision, name="decision"),
    path("schools/<str:code>/history/", schools.school_history, name="school_history"),
    path("rule-sets/", rule_sets.rule_set_list, name="rule_sets"),
    path("rule-sets/<slug:code>/", rule_sets.rule_set_detail, name="rule_set"),
    path("rule-sets/<slug:code>/preview/<int:run_id>/", rule_sets.rule_set_preview, name="rule_set_preview"),
]
