from django.db import models


class Gadget(models.Model):
    class Meta:
        app_label = "broken_app"
