from django.urls import path

from parta.exchange.views import batch

urlpatterns = [
    path("", batch.batch, name="batch"),
    path("export/", batch.batch_export, name="batch-export"),
    path("import/", batch.batch_import, name="batch-import"),
    path("runs/<int:run_id>/", batch.batch_run, name="batch-run"),
    path("runs/<int:run_id>/apply/", batch.batch_apply, name="batch-apply"),
]
