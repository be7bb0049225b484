from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.http import JsonResponse


def health(request):
    """200 with the last applied migration when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        last = MigrationRecorder.Migration.objects.filter(app="clients").order_by("-id").first()
    except Exception as error:  # noqa: BLE001 - any database failure is an unhealthy app
        return JsonResponse({"status": "error", "database": str(error)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "migration": last.name if last else None})
