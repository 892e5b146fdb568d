from django import template

register = template.Library()


@register.filter
def answer_of(answers: dict, key: str):
    """The answer already given to an item (to keep it when the form comes back)."""
    return answers.get(key) if isinstance(answers, dict) else None
