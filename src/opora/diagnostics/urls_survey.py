from django.urls import path

from opora.diagnostics.views import survey

app_name = "survey"
urlpatterns = [
    path("", survey.my_surveys, name="mine"),
    path("<str:token>/", survey.survey_start, name="start"),
    path("<str:token>/q/", survey.survey_screen, name="screen"),
    path("<str:token>/done/", survey.survey_done, name="done"),
]
