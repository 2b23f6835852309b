from django.conf import settings

import cdmo_eval


def product(request):
    return {
        "APP_VERSION": cdmo_eval.__version__,
        "DEBUG": settings.DEBUG,
        "LOCKOUT_MINUTES": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
