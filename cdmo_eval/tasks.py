from celery import shared_task
from django.db import connection


@shared_task
def ping() -> dict:
    """Round-trip through the broker and the database; used by health checks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (value,) = cursor.fetchone()
    return {"pong": True, "db": value == 1}
