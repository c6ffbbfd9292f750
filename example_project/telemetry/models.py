"""Atlas Telemetry's own data: ground stations and the readings they record."""

from django.db import models


class Station(models.Model):
    name = models.CharField(max_length=100, unique=True)
    latitude = models.FloatField()
    longitude = models.FloatField()

    def __str__(self) -> str:
        return self.name


class Reading(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="readings")
    taken_at = models.DateTimeField(db_index=True)
    temperature_c = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ("-taken_at",)

    def __str__(self) -> str:
        return f"{self.station} @ {self.taken_at:%Y-%m-%d %H:%M}"
