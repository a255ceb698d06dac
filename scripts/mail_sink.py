"""An SMTP sink for scripts/mail-test.py and scripts/mail-bench.sh: aiosmtpd's server with a handler that keeps every
message received, with its envelope, in a folder.

    /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c mail_sink.Sink DIR     (PYTHONPATH=scripts)

Each message becomes two files named after the moment it arrived and a counter: NAME.eml (the bytes as received,
before any decoding) and NAME.json ({"mailFrom", "rcptTos", "peer", "received", "size"}), the .json written last
(and renamed into place), so that a reader who sees it sees both whole. The message is acknowledged (250) only after
both are on disk.
"""
import itertools
import json
import os
import time


class Sink:
    """aiosmtpd handler: stores every message under `directory`."""

    def __init__(self, directory):
        self.directory = os.path.abspath(directory)
        os.makedirs(self.directory, exist_ok=True)
        self.counter = itertools.count(1)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("mail_sink.Sink takes one argument: the folder to store messages in")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns()}-{os.getpid()}-{next(self.counter):06d}"
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        meta = {
            "mailFrom": envelope.mail_from,
            "rcptTos": list(envelope.rcpt_tos),
            "peer": list(session.peer) if isinstance(session.peer, tuple) else str(session.peer),
            "received": time.time(),
            "size": len(raw),
        }
        for suffix, data in ((".eml", raw), (".json", json.dumps(meta).encode())):
            tmp = os.path.join(self.directory, "." + name + suffix + ".tmp")
            with open(tmp, "wb") as f:
                f.write(data)
            os.rename(tmp, os.path.join(self.directory, name + suffix))
        return "250 Message accepted for delivery"
