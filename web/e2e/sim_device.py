#!/usr/bin/env python3
"""A simulated device for the portal's end-to-end test: onboards over TLS exactly as
tests/onboarding/fleet_fixture.py's Device does (docs/device-protocol.md "Onboarding"), then
stays connected with its certificate until stdin closes.

  MOTHERSHIP_CLAIM_CODE=CODE sim_device.py --port MQTTS_PORT --ca CA_PEM --serial SN

The claim code comes in the environment, not on the command line (which every local user can
read in `ps`).

Prints one line per step on stdout for the test to follow: "hello", "certificate <device id>",
"connected <device id>"; if the server then drops the connection, "dropped <reason code>" and,
after one attempt to connect again with the same certificate, "reconnect <CONNACK reason
code>" (or "reconnect failed <why>"); "error <text>" and exit 1 on failure.
"""

import argparse
import json
import os
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "onboarding"))

from fleet_fixture import Device  # noqa: E402


def say(line):
    print(line, flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--serial", required=True)
    parser.add_argument("--model", default="Thermo")
    parser.add_argument("--firmware", default="1.0.0")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    code = os.environ.get("MOTHERSHIP_CLAIM_CODE")
    if not code:
        say("error MOTHERSHIP_CLAIM_CODE is not set")
        return 1

    device = Device(tempfile.mkdtemp(prefix="portal-e2e-device-"), args.port, args.ca, args.serial, code)
    connection = None
    try:
        device.connect_for_onboarding()
        device.say_hello(model=args.model, firmware=args.firmware)
        say("hello")
        # The technician claims it in the portal meanwhile; then the certificate comes.
        device.wait_certificate(timeout=args.timeout)
        say("certificate %s" % device.device_id)
        device.stop()
        connection = device.connect_with_certificate()
        state = {"firmware_version": args.firmware, "model": args.model, "uptime_s": 1}
        connection.publish("devices/%s/state" % device.device_id, json.dumps(state), qos=1, retain=True)
        say("connected %s" % device.device_id)
        # Until the test closes our stdin (or kills us); meanwhile report a drop by the server
        # (a revoked certificate) and what a second try with the same certificate gets.
        stdin_closed = threading.Event()
        threading.Thread(target=lambda: (sys.stdin.read(), stdin_closed.set()), daemon=True).start()
        while not stdin_closed.wait(0.1):
            if connection.disconnected.is_set():
                say("dropped %s" % connection.disconnects[-1])
                connection.stop()
                connection = None
                try:
                    again = device.connect_with_certificate(expect_success=False)
                    say("reconnect %s" % again.connack[1])
                    again.stop()
                except Exception as refused:  # noqa: BLE001 - the handshake may be refused too
                    say("reconnect failed %s" % str(refused).replace("\n", " "))
                stdin_closed.wait()
                break
    except Exception as error:  # noqa: BLE001 - reported to the test, which fails the check
        say("error %s" % str(error).replace("\n", " "))
        return 1
    finally:
        if connection is not None:
            connection.stop()
        device.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
