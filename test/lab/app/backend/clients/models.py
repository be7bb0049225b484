from django.db import models


class Client(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
