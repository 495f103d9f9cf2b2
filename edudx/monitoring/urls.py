from django.urls import path

from .views import assessments, authority, campaigns, deadlines, exports, frameworks

urlpatterns = [
    path("", campaigns.index, name="index"),
    path("review/", campaigns.review_queue, name="review_queue"),
    path("trends/", campaigns.trends, name="trends"),
    path("schools/<int:school_id>/", campaigns.school_profile, name="school_profile"),
    # frameworks
    path("frameworks/", frameworks.framework_list, name="framework_list"),
    path("frameworks/<int:framework_id>/", frameworks.framework_detail, name="framework_detail"),
    path("frameworks/<int:framework_id>/edit/", frameworks.framework_edit, name="framework_edit"),
    path("frameworks/<int:framework_id>/clone/", frameworks.framework_clone, name="framework_clone"),
    path("groups/<int:group_id>/edit/", frameworks.group_edit, name="group_edit"),
    path("groups/<int:group_id>/criteria/new/", frameworks.criterion_create, name="criterion_create"),
    path("criteria/<int:criterion_id>/edit/", frameworks.criterion_edit, name="criterion_edit"),
    path("criteria/<int:criterion_id>/delete/", frameworks.criterion_delete, name="criterion_delete"),
    path("criteria/<int:criterion_id>/subitems/new/", frameworks.subitem_create, name="subitem_create"),
    path("subitems/<int:subitem_id>/edit/", frameworks.subitem_edit, name="subitem_edit"),
    # campaigns
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:campaign_id>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:campaign_id>/state/", campaigns.campaign_transition, name="campaign_transition"),
    path("campaigns/<int:campaign_id>/publish/", campaigns.campaign_publish, name="campaign_publish"),
    path("campaigns/<int:campaign_id>/autoscore/", campaigns.campaign_autoscore, name="campaign_autoscore"),
    path("campaigns/<int:campaign_id>/deadline/", deadlines.campaign_extend, name="campaign_extend"),
    path("campaigns/<int:campaign_id>/dashboard/", campaigns.dashboard, name="dashboard"),
    path("campaigns/<int:campaign_id>/export.xlsx", exports.campaign_xlsx, name="campaign_xlsx"),
    path("campaigns/<int:campaign_id>/ranking/", authority.ranking, name="ranking"),
    path("campaigns/<int:campaign_id>/ranking.xlsx", authority.ranking_xlsx, name="ranking_xlsx"),
    path("campaigns/<int:campaign_id>/ranking.pdf", authority.ranking_pdf, name="ranking_pdf"),
    path(
        "campaigns/<int:campaign_id>/summary.pdf", exports.campaign_summary_pdf, name="campaign_summary_pdf"
    ),
    path(
        "campaigns/<int:campaign_id>/sector-export.csv",
        exports.campaign_sector_export,
        name="campaign_sector_export",
    ),
    # assessments
    path("assessments/<int:assessment_id>/", assessments.assessment_detail, name="assessment_detail"),
    path("assessments/<int:assessment_id>/results/", assessments.results_panel, name="results_panel"),
    path(
        "assessments/<int:assessment_id>/autoscore/",
        assessments.assessment_autoscore,
        name="assessment_autoscore",
    ),
    path(
        "assessments/<int:assessment_id>/criteria/<int:criterion_id>/save/",
        assessments.entry_save,
        name="entry_save",
    ),
    path(
        "assessments/<int:assessment_id>/criteria/<int:criterion_id>/evidence/",
        assessments.evidence_add,
        name="evidence_add",
    ),
    path("assessments/<int:assessment_id>/submit/", assessments.assessment_submit, name="assessment_submit"),
    path("assessments/<int:assessment_id>/deadline/", deadlines.assessment_extend, name="assessment_extend"),
    path("assessments/<int:assessment_id>/review/", assessments.assessment_review, name="assessment_review"),
    path(
        "assessments/<int:assessment_id>/publish/", assessments.assessment_publish, name="assessment_publish"
    ),
    path(
        "assessments/<int:assessment_id>/external/",
        assessments.assessment_external,
        name="assessment_external",
    ),
    path("assessments/<int:assessment_id>/report.pdf", exports.assessment_pdf, name="assessment_pdf"),
    path("evidence/<int:evidence_id>/", assessments.evidence_download, name="evidence_download"),
    path("evidence/<int:evidence_id>/delete/", assessments.evidence_delete, name="evidence_delete"),
]
