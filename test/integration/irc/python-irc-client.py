"""Debian's python3-irc library as a client of the IRC gateway (docs/irc.md), for
test/integration/irc/python-irc.test.ts.

Usage: python3 python-irc-client.py HOST PORT NICK PASSWORD CHANNEL

It logs in with SASL PLAIN (the library has no SASL of its own, so its connection factory asks
for the capability before the library sends NICK and USER, and the handlers below answer the
exchange), joins CHANNEL, says "hello from python" once the names are in, and prints one JSON
line per event it sees. It ends when it is kicked or the connection closes.
"""
import base64
import json
import sys

import irc.client
import irc.connection

host, port, nick, password, channel = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]


def show(kind, **fields):
    print(json.dumps({"event": kind, **fields}), flush=True)


def asking_for_sasl(address):
    sock = irc.connection.Factory()(address)
    sock.send(b"CAP REQ :sasl\r\n")
    return sock


reactor = irc.client.IRC()
server = reactor.server()


def on_cap(conn, event):
    if event.arguments[:2] == ["ACK", "sasl"]:
        conn.send_raw("AUTHENTICATE PLAIN")


def on_authenticate(conn, event):
    if event.target == "+":
        token = base64.b64encode(f"{nick}\0{nick}\0{password}".encode()).decode()
        conn.send_raw(f"AUTHENTICATE {token}")


def on_sasl_done(conn, event):
    show("sasl", code=event.type)
    conn.cap("END")


def on_welcome(conn, event):
    show("welcome", nick=conn.get_nickname())
    conn.join(channel)


def on_endofnames(conn, event):
    show("joined", channel=event.arguments[0])
    if event.arguments[0] == channel:
        conn.privmsg(channel, "hello from python")


def on_pubmsg(conn, event):
    show("message", source=event.source.nick, target=event.target, text=event.arguments[0])


def on_topic(conn, event):
    show("topic", channel=event.arguments[0], text=event.arguments[-1])


def on_kick(conn, event):
    show("kick", by=event.source.nick, who=event.arguments[0], reason=event.arguments[1])
    conn.disconnect("kicked")


def on_disconnect(conn, event):
    show("closed")
    sys.exit(0)


server.add_global_handler("cap", on_cap)
server.add_global_handler("authenticate", on_authenticate)
server.add_global_handler("903", on_sasl_done)
server.add_global_handler("904", on_sasl_done)
server.add_global_handler("welcome", on_welcome)
server.add_global_handler("endofnames", on_endofnames)
server.add_global_handler("pubmsg", on_pubmsg)
server.add_global_handler("currenttopic", on_topic)
server.add_global_handler("kick", on_kick)
server.add_global_handler("disconnect", on_disconnect)
server.connect(host, port, nick, username=nick, ircname=f"{nick} of python-irc", connect_factory=asking_for_sasl)
reactor.process_forever()
