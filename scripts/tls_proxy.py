"""A TLS terminator on loopback in front of the benchmark's moto.

The functions speak HTTPS to it, as they do to AWS; it forwards the decrypted bytes of each
connection to moto over plain TCP, one backend connection per client connection, so that
keep-alive works as it does with DynamoDB (moto's request handler speaks HTTP/1.1).

Python's asyncio and ssl rather than a Rust program: nothing to compile on a shared 2-core
machine, and the terminator is outside the measured process (the function's own TLS work,
certificate loading and entropy seeding are what the benchmark times).

usage: python scripts/tls_proxy.py --cert CERT.pem --key KEY.pem --backend 127.0.0.1:PORT
       prints "https://127.0.0.1:PORT" on its first line once it listens
"""

import argparse
import asyncio
import ssl


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        try:
            writer.close()
        except (ConnectionError, ssl.SSLError, RuntimeError):
            pass


async def serve(args: argparse.Namespace) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(args.cert, args.key)
    host, port = args.backend.rsplit(":", 1)

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            moto_r, moto_w = await asyncio.open_connection(host, int(port))
        except OSError:
            client_w.close()
            return
        await asyncio.gather(pipe(client_r, moto_w), pipe(moto_r, client_w))

    server = await asyncio.start_server(handle, "127.0.0.1", args.port, ssl=context)
    bound = server.sockets[0].getsockname()[1]
    print(f"https://127.0.0.1:{bound}", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--backend", required=True, help="HOST:PORT of moto")
    parser.add_argument("--port", type=int, default=0)
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
