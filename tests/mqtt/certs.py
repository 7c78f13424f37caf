"""Test certificates made with the `openssl` command-line tool: certificate authorities, device
(client) certificates they sign, server certificates, and certificates outside their validity
period.

OpenSSL 3.0's `openssl x509 -req` cannot set notBefore / notAfter, so every certificate is
signed with `openssl ca`, which takes -startdate / -enddate: a minimal CA directory (index,
serial, config) is kept beside each CA's key.
"""

import hashlib
import os
import shutil
import ssl
import subprocess
import tempfile

# Validity of the certificates meant to be valid: from 2020 to 2049 (UTCTime holds years
# up to 2049), so that neither end is near the test's clock.
VALID_FROM = "20200101000000Z"
VALID_UNTIL = "20491231000000Z"

CA_CONFIG = """\
[ca]
default_ca = this_ca

[this_ca]
dir = {dir}
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir/issued
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
email_in_dn = no

[anything]
commonName = supplied
organizationName = optional
"""


def openssl(*args, cwd=None):
    res = subprocess.run(["openssl"] + list(args), capture_output=True, text=True, cwd=cwd)
    if res.returncode != 0:
        raise RuntimeError("openssl %s failed (%d):\n%s%s" % (" ".join(args), res.returncode, res.stdout, res.stderr))
    return res.stdout


def _new_key(path):
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path)


def sha256_fingerprint(pem_path):
    """SHA-256 of the certificate's DER encoding (what ssl.SSLSocket.getpeercert(True) returns)."""
    with open(pem_path) as f:
        text = f.read()
    end = "-----END CERTIFICATE-----"
    first = text[:text.index(end) + len(end)]  # a chain file: the leaf comes first
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(first)).hexdigest()


class CertificateAuthority:
    """A self-signed CA in `directory`/`name`; issue() signs end-entity certificates."""

    def __init__(self, directory, name):
        self.dir = os.path.join(directory, name)
        os.makedirs(os.path.join(self.dir, "issued"))
        self.key = os.path.join(self.dir, "ca.key")
        self.cert = os.path.join(self.dir, "ca.crt")
        self.config = os.path.join(self.dir, "ca.cnf")
        with open(os.path.join(self.dir, "index.txt"), "w"):
            pass
        with open(os.path.join(self.dir, "serial"), "w") as f:
            f.write("1000\n")
        with open(self.config, "w") as f:
            f.write(CA_CONFIG.format(dir=self.dir))
        _new_key(self.key)
        openssl("req", "-new", "-x509", "-key", self.key, "-out", self.cert, "-days", "3650", "-subj",
                "/O=Mothership tests/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign")

    def issue(self, name, cn, extensions, start=VALID_FROM, end=VALID_UNTIL):
        """A new key and a certificate for subject CN=`cn` with the given extension lines;
        returns (cert path, key path)."""
        base = os.path.join(self.dir, name)
        key, csr, cert, ext = base + ".key", base + ".csr", base + ".crt", base + ".ext"
        _new_key(key)
        openssl("req", "-new", "-key", key, "-out", csr, "-subj", "/CN=" + cn)
        with open(ext, "w") as f:
            f.write("\n".join(extensions) + "\n")
        openssl("ca", "-batch", "-config", self.config, "-in", csr, "-out", cert, "-cert", self.cert, "-keyfile",
                self.key, "-startdate", start, "-enddate", end, "-extfile", ext, "-notext")
        return cert, key

    def issue_device(self, name, cn, device_urn_id=None, start=VALID_FROM, end=VALID_UNTIL):
        """A client certificate; device_urn_id adds the SAN URI urn:mothership:device:<id>."""
        extensions = ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature",
                      "extendedKeyUsage=clientAuth"]
        if device_urn_id is not None:
            extensions.append("subjectAltName=URI:urn:mothership:device:" + device_urn_id)
        return self.issue(name, cn, extensions, start, end)

    def issue_server(self, name, start=VALID_FROM, end=VALID_UNTIL):
        """A server certificate for localhost and 127.0.0.1."""
        return self.issue(name, "mothership test server",
                          ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature",
                           "extendedKeyUsage=serverAuth", "subjectAltName=DNS:localhost,IP:127.0.0.1"], start, end)


class CertificateDirectory:
    """Mixin for a BrokerTestCase class: a temporary directory (cls.pki_dir) filled by
    `make_certificates` before the class's server starts, removed after it stops. List it
    before BrokerTestCase among the bases."""

    pki_prefix = "mothership-certs-"

    @classmethod
    def make_certificates(cls):
        pass

    @classmethod
    def setUpClass(cls):
        cls.pki_dir = tempfile.mkdtemp(prefix=cls.pki_prefix)
        try:
            cls.make_certificates()
            super().setUpClass()
        except BaseException:
            shutil.rmtree(cls.pki_dir, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.pki_dir, ignore_errors=True)
