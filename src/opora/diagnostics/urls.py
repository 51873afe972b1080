from django.urls import path

from opora.diagnostics.views import campaigns, heatmap, instruments, profiles

app_name = "diagnostics"
urlpatterns = [
    path("", campaigns.home, name="home"),
    path("campaigns/new/", campaigns.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/links/", campaigns.campaign_links, name="campaign_links"),
    path("campaigns/<int:pk>/close/", campaigns.campaign_close, name="campaign_close"),
    path("campaigns/<int:pk>/reopen/", campaigns.campaign_reopen, name="campaign_reopen"),
    path("campaigns/<int:pk>/links/<int:link_id>/", campaigns.link_edit, name="link_edit"),
    path("campaigns/<int:pk>/import/", campaigns.answers_import, name="answers_import"),
    path("campaigns/<int:pk>/import/template/", campaigns.answers_template, name="answers_template"),
    path("campaigns/<int:pk>/compute/", profiles.compute_start, name="compute"),
    path("campaigns/<int:pk>/compute/<uuid:job_id>/", profiles.compute_progress, name="compute_progress"),
    path("profiles/<int:pk>/", profiles.profile_detail, name="profile"),
    path("profiles/<int:pk>/confirm/", profiles.profile_confirm, name="profile_confirm"),
    path("profiles/<int:pk>/factors/<slug:factor>/level/", profiles.factor_level, name="factor_level"),
    path("profiles/<int:pk>/select/", profiles.factors_select, name="factors_select"),
    path("schools/<str:code>/", profiles.school_profiles, name="school_profiles"),
    path("heatmap/", heatmap.heatmap, name="heatmap"),
    path("instruments/", instruments.instrument_list, name="instruments"),
    path("instruments/<slug:code>/", instruments.instrument_detail, name="instrument"),
    path("instruments/<slug:code>/xlsx/", instruments.instrument_xlsx, name="instrument_xlsx"),
    path("instruments/<slug:code>/upload/", instruments.instrument_upload, name="instrument_upload"),
]
