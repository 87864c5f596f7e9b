"""Voilà as the sessions run it: ``python -m mitlib.seances.voila_main``.

Voilà executes the notebook on the server with nbclient before the page is
sent. When a cell displays into an ipywidgets ``Output`` widget (the
explorers do), nbclient writes the widget's state back to the kernel on the
shell socket while it awaits the cell's reply on that same asyncio ZeroMQ
socket; the write can swallow the socket's wake-up and the page never comes
(the race :mod:`mitlib.export.execution` describes for the exports). Here the
state echo must stay (it is how the outputs reach the browser), so only the
other guard is used: Voilà's executor talks to the kernel through
:class:`~mitlib.export.execution.SlicedKernelClient`, whose channels poll in
short slices, so that a lost wake-up costs a fraction of a second. This entry
point installs it, then runs Voilà with the command line it was given.
"""

from __future__ import annotations

import sys

import mitlib.export  # noqa: F401 - before Voilà's imports: spares a slow one

__all__ = ["main"]


def main() -> int:
    import voila.notebook_renderer as renderer
    from voila.app import main as voila_main
    from voila.execute import VoilaExecutor

    from mitlib.export.execution import SlicedKernelClient

    class SessionExecutor(VoilaExecutor):
        async def async_start_new_kernel_client(self):
            if self.km is not None:
                self.km.client_factory = SlicedKernelClient
            return await super().async_start_new_kernel_client()

    renderer.VoilaExecutor = SessionExecutor
    return voila_main()


if __name__ == "__main__":
    sys.exit(main())
