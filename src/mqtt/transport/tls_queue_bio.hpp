#pragma once
// An OpenSSL BIO that appends every byte OpenSSL writes to it to a string, for the caller to
// send when the socket allows. Writing to it never blocks and never fails short, so OpenSSL
// never keeps a half-written record of its own (why that matters: tls_stream.cpp).
#include <openssl/bio.h>

#include <string>

namespace mothership::mqtt {

// A new BIO appending to `queue`, which must outlive it; the caller owns the BIO (or hands it
// to SSL_set_bio). nullptr when OpenSSL cannot allocate it.
BIO* make_queue_bio(std::string& queue);

}  // namespace mothership::mqtt
