import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded and kept files of the exchange tests go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
