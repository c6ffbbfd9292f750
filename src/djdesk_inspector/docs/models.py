"""The docs app stores nothing; this table-less model only carries its permission.

Django permissions need a content type, and the ``docs`` action of
:mod:`djdesk_inspector.kernel.permissions` must be grantable without the inspector
installed, so the permission lives here, on a model that is never queried.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocsAccess(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_docs", _("Can read the offline docs"))]
        verbose_name = _("docs access")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
