"""uvicorn's server, announcing the docs URL once it listens (imported only by serve/api)."""

import socket

import typer
import uvicorn


class AnnouncingServer(uvicorn.Server):
    """Prints the docs URL only once the socket listens (a URL printed earlier may not answer)."""

    def __init__(self, config: uvicorn.Config, announcement: str) -> None:
        super().__init__(config)
        self._announcement = announcement

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            typer.echo(self._announcement)
