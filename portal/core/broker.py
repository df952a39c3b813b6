"""The embedded Celery broker: kombu's filesystem transport, with message files that appear whole.

kombu's ``filesystem`` transport creates a message file under its final name and only then writes the payload,
while a consumer lists the folder, moves away any file with that name and reads it at once. A consumer polling
at that moment (likely with several workers on a busy machine) reads an empty or partial file, fails to decode it
and the task is lost. Here a message is written under a name no consumer picks up (``.part``) and renamed into
place with ``os.replace``, which is atomic within one filesystem, so a consumer only ever sees complete messages.
Used when ``CELERY_BROKER_URL`` is ``filesystem://`` (see settings.py).
"""

from __future__ import annotations

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    """A filesystem channel whose messages are renamed into place once written."""

    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]  # kombu names it twice
        # The name kombu reads: "<ms>_<uuid>.<queue>.msg", oldest first; "<name>.part" is never one of them.
        name = os.path.join(self.data_folder_out, f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg")
        try:
            with open(f"{name}.part", "wb") as part:
                part.write(str_to_bytes(dumps(payload)))
            os.replace(f"{name}.part", name)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {name!r} to directory") from exc


class Transport(filesystem.Transport):
    """kombu's filesystem transport with :class:`Channel`."""

    Channel = Channel
