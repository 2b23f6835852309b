import pytest

from cdmo_eval.tasks import ping


def test_task_runs_in_process_without_a_broker(db):
    assert ping.delay().get(timeout=5) == {"pong": True, "db": True}


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_on_redis_completes_a_task(celery_worker):
    result = ping.delay()
    assert result.get(timeout=20) == {"pong": True, "db": True}
