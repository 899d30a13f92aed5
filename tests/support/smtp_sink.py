#!/usr/bin/env python3
# smtp_sink.py — test support: a real SMTP server (Debian's python3-aiosmtpd)
# that writes every message it receives to a directory, one file each
# (<n>.eml, written to a temporary name then renamed, so a reader never sees
# half a message). It binds port 0 on 127.0.0.1, so the kernel picks a free
# port, and prints "port <n>" on stdout once it accepts connections; it runs
# until killed.
#
# Usage: smtp_sink.py <directory>
#
# Thread-safety: one asyncio loop; the handler runs on it, one message at a time.
import asyncio
import os
import sys

from aiosmtpd.smtp import SMTP


class Keep:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = os.path.join(self.folder, "%06d.eml" % self.count)
        with open(name + ".tmp", "wb") as f:
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content or envelope.content)
        os.rename(name + ".tmp", name)
        return "250 OK"


async def main(folder):
    loop = asyncio.get_running_loop()
    handler = Keep(folder)
    server = await loop.create_server(lambda: SMTP(handler, hostname="sink.test"), "127.0.0.1", 0)
    print("port %d" % server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
