"""Fields kept in Korean and English (django-modeltranslation adds _ko and _en)."""

from modeltranslation.translator import TranslationOptions, register

from registration.models import Checkpoint


@register(Checkpoint)
class CheckpointTranslation(TranslationOptions):
    fields = ("name",)
