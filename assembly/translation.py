"""Fields kept in Korean and English (django-modeltranslation adds _ko and _en)."""

from modeltranslation.translator import TranslationOptions, register

from assembly.models import Decision


@register(Decision)
class DecisionTranslation(TranslationOptions):
    fields = ("text",)
