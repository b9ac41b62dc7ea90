"""Validators shared by the models and every form that sets the same fields."""
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.deconstruct import deconstructible

# Control characters (Cc), format characters (Cf: U+202E that reverses the text, zero-width
# spaces and joiners, U+FEFF…), private-use and surrogate code points, line and paragraph
# separators: invisible or misleading once printed on a certificate or a trainer's table.
REFUSED_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp"}


@deconstructible
class PrintableNameValidator:
    message = ("Ce nom contient un caractère invisible ou qui change le sens d'écriture "
               "(par exemple copié depuis un autre document) : retapez-le.")
    code = "invisible_character"

    def __call__(self, value):
        if any(unicodedata.category(ch) in REFUSED_CATEGORIES for ch in str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, PrintableNameValidator)


validate_printable_name = PrintableNameValidator()

# A contact's website is shown as a link: only web addresses, never javascript: or data:.
validate_web_url = URLValidator(
    schemes=["http", "https"],
    message="Saisissez une adresse web complète, commençant par https:// (ou http://).",
)
