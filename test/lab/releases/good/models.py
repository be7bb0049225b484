from django.db import models


class Client(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class ClientVisit(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="visits")
    visited_at = models.DateTimeField()
    notes = models.TextField(blank=True)
