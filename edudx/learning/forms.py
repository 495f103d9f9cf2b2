"""Shapes of learning's forms; the services decide the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BlockKind, CourseKind


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CourseKind.choices, initial=CourseKind.CLASS)
    class_id = forms.IntegerField(label=_("Class"), required=False, min_value=1, max_value=2**62)
    subject = forms.CharField(label=_("Subject"), max_length=20, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=20_000
    )

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_id"].widget = forms.Select(
            choices=[("", "—"), *[(c.pk, f"{c.name} — {c.school.name}") for c in classes]]
        )


class BlockForm(forms.Form):
    # An lti block is made by Deep Linking from a registered tool (learning/lti), not by this form.
    kind = forms.ChoiceField(label=_("Kind"), choices=[c for c in BlockKind.choices if c[0] != BlockKind.LTI])
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    resource_id = forms.IntegerField(
        label=_("Library resource (number)"), required=False, min_value=1, max_value=2**62
    )
    html = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=200_000
    )
    video_url = forms.URLField(
        label=_("Video address"), required=False, max_length=1000, assume_scheme="https"
    )
    video_seconds = forms.IntegerField(
        label=_("Video length (seconds)"), required=False, min_value=0, max_value=86_400
    )
    video_file = forms.FileField(label=_("Or upload the video"), required=False)
    quiz_id = forms.IntegerField(label=_("Quiz"), required=False, min_value=1, max_value=2**62)
    prompt = forms.CharField(
        label=_("Assignment"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=20_000
    )


class AssignForm(forms.Form):
    class_id = forms.IntegerField(label=_("Class"), min_value=1, max_value=2**62)
    due_at = forms.DateTimeField(label=_("Due"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class GiftForm(forms.Form):
    text = forms.CharField(
        label=_("Questions in GIFT format"), widget=forms.Textarea(attrs={"rows": 8}), max_length=2_000_000
    )
    shared = forms.BooleanField(label=_("Share with the subject's bank"), required=False)


class QuizForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    draw = forms.IntegerField(label=_("Questions drawn (0 = all)"), min_value=0, max_value=500, initial=0)
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes, 0 = none)"), min_value=0, max_value=600, initial=0
    )
    max_attempts = forms.IntegerField(
        label=_("Attempts allowed (0 = unlimited)"), min_value=0, max_value=100, initial=0
    )
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), min_value=0, max_value=100, initial=50)


class SubmissionForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=50_000
    )
    file = forms.FileField(label=_("Attach a file"), required=False)


class FeedbackForm(forms.Form):
    feedback = forms.CharField(
        label=_("Feedback"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000
    )
    grade = forms.FloatField(label=_("Grade (%)"), required=False, min_value=0, max_value=100)


class CartridgeForm(forms.Form):
    file = forms.FileField(label=_("Common Cartridge package (.imscc)"))
    kind = forms.ChoiceField(label=_("Kind"), choices=CourseKind.choices, initial=CourseKind.CLASS)
    class_id = forms.IntegerField(label=_("Class"), required=False, min_value=1, max_value=2**62)
    title = forms.CharField(label=_("Title (empty: the package's)"), max_length=200, required=False)

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_id"].widget = forms.Select(
            choices=[("", "—"), *[(c.pk, f"{c.name} — {c.school.name}") for c in classes]]
        )
