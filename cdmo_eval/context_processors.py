from django.conf import settings

import cdmo_eval


def product(request):
    return {"APP_VERSION": cdmo_eval.__version__, "DEBUG": settings.DEBUG}
