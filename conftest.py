"""pytest hooks for the notebook check (`make test-nbval`: pytest --nbval book/*.ipynb).

nbval never compares images (``image/png``), but a figure glued into a page's prose with
myst-nb's ``glue(..., display=False)`` is stored under ``application/papermill.record/image/png``,
which nbval would compare byte for byte: a change of figure style would then fail a notebook
whose numbers are all unchanged. The glued numbers and text are still compared.
"""

GLUED_IMAGES = ("application/papermill.record/image/png", "application/papermill.record/image/jpeg")


def pytest_collectstart(collector):
    try:
        from nbval.plugin import IPyNbFile
    except ImportError:  # nbval not installed: nothing to adjust
        return
    if isinstance(collector, IPyNbFile):
        collector.skip_compare = tuple(collector.skip_compare) + GLUED_IMAGES
