from django.urls import include, path

from . import views
from .views import interactive as interactive_views
from .views import interchange
from .views import messages as message_views
from .views import open as open_views
from .views import training as training_views

urlpatterns = [
    path("", views.course_list, name="course_list"),
    path("new/", views.course_create, name="course_create"),
    path("activity/", views.activity, name="activity"),
    path("lti/", include("edudx.learning.lti.urls")),
    path("courses/<int:course_id>/", views.course_detail, name="course"),
    path("courses/<int:course_id>/grid/", views.course_grid, name="grid"),
    path("courses/<int:course_id>/do/<str:action>/", views.course_action, name="course_action"),
    path("courses/<int:course_id>/gift/", views.gift_import, name="gift_import"),
    path("courses/<int:course_id>/gift.txt", views.gift_export, name="gift_export"),
    path("courses/<int:course_id>/cartridge.imscc", interchange.cartridge_export, name="cartridge_export"),
    path(
        "courses/<int:course_id>/training/<str:action>/",
        training_views.training_action,
        name="training_action",
    ),
    path("import/cartridge/", interchange.cartridge_import, name="cartridge_import"),
    path("courses/<int:course_id>/questions.qti21.zip", interchange.questions_qti_export, name="qti_export"),
    path("courses/<int:course_id>/questions/import/", interchange.questions_import, name="questions_import"),
    path("questions/template.xlsx", interchange.questions_xlsx_template, name="questions_template"),
    path("courses/<int:course_id>/quizzes/new/", views.quiz_create, name="quiz_create"),
    path("quizzes/<int:quiz_id>/", views.quiz_detail, name="quiz"),
    path("lessons/<int:lesson_id>/", views.lesson_detail, name="lesson"),
    path("lessons/<int:lesson_id>/do/<str:action>/", views.lesson_action, name="lesson_action"),
    path("submissions/<int:submission_id>/", views.submission_feedback, name="feedback"),
    path("me/", views.my_lessons, name="my_lessons"),
    path("me/lessons/<int:lesson_id>/", views.my_lesson, name="my_lesson"),
    path("me/blocks/<int:block_id>/seen/", views.block_seen, name="block_seen"),
    path("me/blocks/<int:block_id>/video/", views.video, name="video"),
    path("me/blocks/<int:block_id>/submit/", views.submit, name="submit"),
    path("me/blocks/<int:block_id>/quiz/", views.quiz_start, name="quiz_start"),
    path("me/attempts/<int:attempt_id>/", views.attempt, name="attempt"),
    path("me/record/", open_views.my_record, name="my_record"),
    path("open/", open_views.catalogue, name="open_list"),
    path("open/<int:course_id>/", open_views.open_course, name="open_course"),
    path("open/<int:course_id>/enrol/", open_views.enrol, name="open_enrol"),
    path("open/<int:course_id>/certificate.pdf", open_views.certificate_pdf, name="certificate_pdf"),
    path("register/", open_views.register, name="register"),
    path("register/verify/", open_views.register_verify, name="register_verify"),
    path("verify/jwks.json", open_views.jwks, name="jwks"),
    path("verify/issuer.json", open_views.issuer, name="issuer"),
    path("verify/<str:number>/", open_views.verify, name="verify"),
    path("verify/<str:number>/revoke/", open_views.certificate_revoke, name="certificate_revoke"),
]

# Interactive blocks: H5P player and its xAPI door, package files, cmi5 launch and fetch.
urlpatterns += interactive_views.urls()

# Messages to a class: the course's page for its authors, the learner's list and message.
urlpatterns += message_views.urls()
