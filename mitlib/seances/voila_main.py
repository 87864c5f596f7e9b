"""Voilà as the sessions run it: ``python -m mitlib.seances.voila_main``.

Voilà executes the notebook on the server with nbclient before the page is
sent. nbclient mimics the browser for ``Output`` widgets and echoes their
state to the kernel on the shell socket; with a large output (a map, a
table) that echo races the cell's reply and the page never comes — the same
race :mod:`mitlib.export.execution` removes for the exports. This entry
point gives Voilà's executor the same silent mimic
(:class:`~mitlib.export.execution.SilentOutputWidget`), then runs Voilà
with the command line it was given. In the browser, Output widgets are the
real ones: nothing else changes.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> int:
    import voila.notebook_renderer as renderer
    from voila.app import main as voila_main
    from voila.execute import VoilaExecutor

    from mitlib.export.execution import SilentOutputWidget

    class SessionExecutor(VoilaExecutor):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.widget_registry = {
                **self.widget_registry,
                "@jupyter-widgets/output": {"OutputModel": SilentOutputWidget},
            }

    renderer.VoilaExecutor = SessionExecutor
    return voila_main()


if __name__ == "__main__":
    sys.exit(main())
